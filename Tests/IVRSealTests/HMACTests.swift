import Crypto
import Foundation
import IVRCore
import Testing

/// `--hash-numbers` uses the core's HMAC-SHA256: it must agree with
/// swift-crypto's, and with RFC 4231.
@Suite struct HMACTests {
    @Test func rfc4231TestCase2() {
        let digest = IVRCore.HMAC.sha256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(IVRCore.SHA256.hexString(digest) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func agreesWithSwiftCryptoOnRandomKeysAndMessages() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let key = (0..<Int.random(in: 0...150, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let message = (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let theirs = Array(Crypto.HMAC<Crypto.SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
            #expect(IVRCore.HMAC.sha256(key: key, message: message) == theirs)
        }
    }

    @Test func anUnknownNumberStaysEmpty() {
        #expect(IVRCore.HMAC.numberDigest("", key: Array("a secret of sixteen".utf8)) == "")
        let key = Array("a secret of sixteen".utf8)
        let theirs = Crypto.HMAC<Crypto.SHA256>.authenticationCode(for: Array("13800138000".utf8), using: SymmetricKey(data: key))
        #expect(IVRCore.HMAC.numberDigest("13800138000", key: key) == Array(theirs).map { String(format: "%02x", $0) }.joined())
    }
}
