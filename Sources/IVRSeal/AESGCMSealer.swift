import Crypto
import Foundation
import IVRCore

/// Seals saved calls' sensitive values with AES-256-GCM (swift-crypto): a
/// fresh random nonce per value, the value's context (machine version and
/// name) authenticated with it. The sealed form is nonce, ciphertext and
/// tag combined. A gateway holds the key (32 bytes, for example base64 in
/// an environment variable); every process that resumes its calls needs it.
public struct AESGCMSealer: ValueSealer {
    public enum KeyError: Error, CustomStringConvertible {
        case wrongLength(Int)
        case notBase64

        public var description: String {
            switch self {
            case .wrongLength(let count): return "a sealing key is 32 bytes (256 bits), not \(count)"
            case .notBase64: return "the sealing key is not base64"
            }
        }
    }

    /// The key's bytes (swift-crypto's `SymmetricKey` is not `Sendable`).
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public init(key: [UInt8]) throws {
        guard key.count == 32 else { throw KeyError.wrongLength(key.count) }
        self.keyBytes = key
    }

    /// A key written as base64 (as in an environment variable).
    public init(base64 text: String) throws {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw KeyError.notBase64 }
        try self.init(key: Array(data))
    }

    /// A new random key, base64, for `init(base64:)`.
    public static func newKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    public func seal(_ plaintext: [UInt8], context: [UInt8]) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: context)
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return Array(combined)
    }

    public func open(_ sealed: [UInt8], context: [UInt8]) throws -> [UInt8] {
        let box = try AES.GCM.SealedBox(combined: sealed)
        return Array(try AES.GCM.open(box, using: key, authenticating: context))
    }
}
