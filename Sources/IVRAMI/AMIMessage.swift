/// One Asterisk Manager Interface message: `Key: Value` lines ended by a
/// blank line, in order (an Originate carries several `Variable` lines).
public struct AMIMessage: Sendable, Equatable {
    public var fields: [(key: String, value: String)]

    public init(_ fields: [(String, String)]) { self.fields = fields.map { (key: $0.0, value: $0.1) } }

    /// The first value of `key` (AMI keys are case-insensitive).
    public subscript(_ key: String) -> String? {
        let wanted = key.lowercased()
        return fields.first { $0.key.lowercased() == wanted }?.value
    }

    /// On the wire: CRLF after each line and after the message. A value's
    /// own line breaks would start a new field, so they become spaces.
    public var wire: String {
        fields.map { "\($0.key): \(String($0.value.map { $0.isNewline ? " " : $0 }))\r\n" }.joined() + "\r\n"
    }

    public static func == (a: AMIMessage, b: AMIMessage) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
