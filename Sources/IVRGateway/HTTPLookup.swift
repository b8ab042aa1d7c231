import Foundation

/// Lookups by URL (SPEC 11, `--lookup-url`), without the HTTP client: the
/// request to send for a table and key, and what an answer means. The
/// gateway's client carries the request out and brings the answer here.
public enum HTTPLookup {
    /// What a lookup came to.
    public enum Answer: Sendable, Equatable {
        case found([String: String])
        case notFound
        /// No usable answer: the call hears "not found", and the failure is
        /// logged, counted and recorded as a lookup error.
        case failed(String)
    }

    /// The request: `GET <base>/<table>?key=<key>`. A key typed in a
    /// `sensitive` ask never goes in a URL (URLs end up in proxy and server
    /// logs): it travels in the `X-IVR-Key` header instead, with no query.
    public struct Request: Sendable, Equatable {
        public var url: String
        public var headers: [(String, String)]

        public init(url: String, headers: [(String, String)]) {
            self.url = url
            self.headers = headers
        }

        public static func == (lhs: Request, rhs: Request) -> Bool {
            lhs.url == rhs.url && lhs.headers.map { "\($0.0): \($0.1)" } == rhs.headers.map { "\($0.0): \($0.1)" }
        }
    }

    public static let keyHeader = "X-IVR-Key"

    public static func request(base: String, table: String, key: String, sensitive: Bool) -> Request {
        var trimmed = Substring(base)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        let path = trimmed + "/" + escape(table)
        if sensitive { return Request(url: String(path), headers: [(keyHeader, key), ("Accept", "application/json")]) }
        return Request(url: path + "?key=" + escape(key), headers: [("Accept", "application/json")])
    }

    /// 200 with a JSON object of strings: found; 404: not found; anything
    /// else is a failure, with the reason to log.
    public static func answer(status: Int, body: [UInt8]) -> Answer {
        switch status {
        case 200:
            guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                return .failed("HTTP 200 without a JSON object")
            }
            var record: [String: String] = [:]
            for (field, value) in object {
                guard let text = value as? String else { return .failed("HTTP 200 with field '\(field)' not a string") }
                record[field] = text
            }
            return .found(record)
        case 404:
            return .notFound
        default:
            return .failed("HTTP \(status)")
        }
    }

    /// Percent-encoding for a path segment or a query value: letters,
    /// digits and `-._~` stay, everything else is `%XX` of its UTF-8 bytes.
    static func escape(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.append(Character(Unicode.Scalar(byte)))
            default:
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }
}
