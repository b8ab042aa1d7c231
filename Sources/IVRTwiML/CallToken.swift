import Crypto
import Foundation
import IVRSeal

/// The saved call a webhook gateway hands to the provider in its action
/// URLs (SPEC 13): the machine version and the saved call, sealed with
/// AES-256-GCM under a key derived (HKDF-SHA256) from the state key, and
/// bound to the call's `CallSid` as authenticated data. A token altered,
/// made with another key or presented for another call does not open.
/// Written in base64url, without padding, for a query string. The same
/// call state seals to the same token (the nonce is derived from it).
public struct CallToken: Sendable {
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case shortKey(Int)
        /// Altered, another key's, another call's, or not a token at all.
        case refused

        public var description: String {
            switch self {
            case .shortKey(let count): return "the state key must be at least 32 characters, not \(count)"
            case .refused: return "the call token does not open for this call"
            }
        }
    }

    private let keyBytes: [UInt8]
    /// Seals the sensitive values inside the saved call (a second key from the same secret).
    public let sealer: AESGCMSealer

    public init(stateKey: String) throws(Problem) {
        guard stateKey.count >= 32 else { throw .shortKey(stateKey.count) }
        let secret = SymmetricKey(data: Array(stateKey.utf8))
        func derive(_ purpose: String) -> [UInt8] {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: secret, salt: Array("ivr-gateway twiml".utf8), info: Array(purpose.utf8), outputByteCount: 32)
                .withUnsafeBytes { Array($0) }
        }
        keyBytes = derive("call token v1")
        do { sealer = try AESGCMSealer(key: derive("sensitive values v1")) } catch { throw .shortKey(stateKey.count) }
    }

    public func seal(version: String, saved: Data, callSid: String) throws -> String {
        var plaintext = Array(version.utf8)
        plaintext.append(0x0a)
        plaintext += saved
        // The nonce comes from the call and its content (a synthetic IV), so
        // the same call state gives the same token: a request Twilio sends
        // twice gets the same answer. One nonce never seals two contents.
        let synthetic = HMAC<SHA256>.authenticationCode(for: Array(callSid.utf8) + [0] + plaintext, using: SymmetricKey(data: keyBytes))
        let nonce = try AES.GCM.Nonce(data: Array(synthetic).prefix(12))
        let box = try AES.GCM.seal(plaintext, using: SymmetricKey(data: keyBytes), nonce: nonce, authenticating: Array(callSid.utf8))
        guard let combined = box.combined else { throw Problem.refused }
        return Base64URL.encode(Array(combined))
    }

    public func open(_ token: String, callSid: String) throws(Problem) -> (version: String, saved: Data) {
        guard token.utf8.count <= 1 << 20, let bytes = Base64URL.decode(token),
              let box = try? AES.GCM.SealedBox(combined: bytes),
              let plaintext = try? AES.GCM.open(box, using: SymmetricKey(data: keyBytes), authenticating: Array(callSid.utf8)),
              let newline = plaintext.firstIndex(of: 0x0a) else { throw .refused }
        return (String(decoding: plaintext[..<newline], as: UTF8.self), Data(plaintext[plaintext.index(after: newline)...]))
    }
}
