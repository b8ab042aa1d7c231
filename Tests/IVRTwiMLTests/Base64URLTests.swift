import Foundation
import Testing
import IVRTwiML

struct Base64URLTests {
    @Test func rfc4648Vectors() {
        // RFC 4648 section 10, without padding.
        let vectors = [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
        // The two characters that differ from base64: 62 is '-', 63 is '_'.
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
    }

    @Test func agreesWithFoundationOnRandomBytes() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let foundation = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == foundation)
            #expect(Base64URL.decode(foundation) == bytes)
        }
    }

    @Test func refusesWhatNoEncodingGives() {
        #expect(Base64URL.decode("Zg==") == nil, "padding")
        #expect(Base64URL.decode("Zm9v+") == nil, "'+' is base64, not base64url")
        #expect(Base64URL.decode("Z") == nil, "one character left over")
        #expect(Base64URL.decode("Zh") == nil, "stray bits in the last character")
        #expect(Base64URL.decode("Zm9vYm\u{00E9}") == nil, "a byte outside the alphabet")
    }
}
