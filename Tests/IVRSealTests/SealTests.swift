import Crypto
import Foundation
import IVRCore
import IVRSeal
import Testing

@Suite struct SealTests {
    @Test func sha256MatchesNISTVectorsAndSwiftCrypto() {
        #expect(IVRCore.SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(IVRCore.SHA256.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(IVRCore.SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var generator = SystemRandomNumberGenerator()
        for length in [1, 55, 56, 63, 64, 65, 119, 120, 1000, 4097] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let theirs = Crypto.SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            #expect(IVRCore.SHA256.hex(of: bytes) == theirs, "length \(length)")
        }
    }

    @Test func aesGCMSealsOpensAndRefusesTampering() throws {
        let sealer = try AESGCMSealer(base64: AESGCMSealer.newKey())
        let plaintext = Array("4111111111111111".utf8)
        let sealed = try sealer.seal(plaintext, context: Array("v1 card".utf8))
        #expect(!sealed.contains(subsequence: plaintext))
        #expect(try sealer.open(sealed, context: Array("v1 card".utf8)) == plaintext)
        #expect(throws: (any Error).self) { try sealer.open(sealed, context: Array("v1 other".utf8)) }
        var tampered = sealed
        tampered[20] ^= 1
        #expect(throws: (any Error).self) { try sealer.open(tampered, context: Array("v1 card".utf8)) }
        let other = try AESGCMSealer(base64: AESGCMSealer.newKey())
        #expect(throws: (any Error).self) { try other.open(sealed, context: Array("v1 card".utf8)) }
        #expect(throws: AESGCMSealer.KeyError.self) { try AESGCMSealer(key: [1, 2, 3]) }
    }

    /// The utility example's card number typed into its sensitive ask: the
    /// saved call holds it sealed, resumes with the key, refuses without.
    @Test func aCardNumberNeverLeavesInClear() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let result = FlowCompiler.compile(path: root.appendingPathComponent("Flows/utility.yaml").path)
        let machine = try #require(result.machine)
        var call = Interpreter(machine: machine)
        _ = call.start(caller: "13800138000", called: "95598", language: "en-US", time: Date(timeIntervalSince1970: 1_795_000_000))
        _ = call.key(.k4)
        for character in "45320151128" { _ = call.key(try #require(DTMFKey(character))) }  // part of 4532015112830366
        let sealer = try AESGCMSealer(base64: AESGCMSealer.newKey())
        let partial = try call.save(sealer: sealer)
        #expect(!String(decoding: partial, as: UTF8.self).contains("45320151128"))
        var resumed = try Interpreter(machine: machine, saved: partial, sealer: sealer)
        for character in "30366#" {
            let key = try #require(DTMFKey(character))
            #expect(resumed.key(key) == call.key(key))
        }
        #expect(call.variable("card") == "4532015112830366")
        #expect(throws: ResumeError.self) { try Interpreter(machine: machine, saved: partial, sealer: AESGCMSealer(base64: AESGCMSealer.newKey())) }
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
