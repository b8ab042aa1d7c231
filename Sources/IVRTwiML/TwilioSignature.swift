import Crypto
import Foundation

/// Twilio's request signature (SPEC 13): HMAC-SHA1, keyed by the account's
/// auth token, of the full URL the provider called followed by every POST
/// parameter's name and value in sorted name order, in base64, sent as
/// `X-Twilio-Signature`. No I/O: the server hands it the URL, parameters and
/// header.
public struct TwilioSignature: Sendable {
    private let token: [UInt8]

    public init(authToken: String) {
        token = Array(authToken.utf8)
    }

    /// The signature Twilio sends for this request.
    public func signature(url: String, parameters: [(String, String)]) -> String {
        var text = url
        // Sorted by name, then by value for a name given twice (as the
        // official libraries do).
        for (name, value) in parameters.sorted(by: { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }) {
            text += name + value
        }
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: token))
        return Data(code).base64EncodedString()
    }

    /// Whether `header` is the signature of this request, compared in
    /// constant time (the time taken says nothing about where it differs).
    public func isValid(_ header: String?, url: String, parameters: [(String, String)]) -> Bool {
        guard let header else { return false }
        let expected = Array(signature(url: url, parameters: parameters).utf8), given = Array(header.utf8)
        var difference = UInt8(truncatingIfNeeded: expected.count ^ given.count)
        for index in 0..<expected.count {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
