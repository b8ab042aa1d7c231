/// The `agi_*: value` block Asterisk sends first, up to a blank line, and
/// what a gateway reads from it (SPEC 12).
public struct AGIEnvironment: Sendable, Equatable {
    /// In the order sent.
    public private(set) var fields: [(name: String, value: String)] = []

    /// SPEC 12: more lines than this end the session.
    public static let maxLines = 200

    public init() {}

    public static func == (a: Self, b: Self) -> Bool {
        a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.value) == b.fields.map(\.value)
    }

    public subscript(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// One line of the block; false when it is not `agi_name: value`.
    mutating func add(_ line: String) -> Bool {
        guard line.hasPrefix("agi_"), let colon = line.firstIndex(of: ":") else { return false }
        let name = String(line[..<colon])
        var value = line[line.index(after: colon)...]
        if value.first == " " { value = value.dropFirst() }
        fields.append((name, String(value)))
        return true
    }

    /// `agi_network_script`: the flow the dialplan asked for.
    public var script: String { self["agi_network_script"] ?? "" }

    /// `agi_arg_1`, `agi_arg_2`... in order.
    public var arguments: [String] {
        var result: [String] = []
        var index = 1
        while let argument = self["agi_arg_\(index)"] {
            result.append(argument)
            index += 1
        }
        return result
    }

    /// `name=value` arguments; others (no `=`) are left out.
    public var namedArguments: [(name: String, value: String)] {
        arguments.compactMap { argument in
            guard let equals = argument.firstIndex(of: "=") else { return nil }
            return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
        }
    }

    /// Asterisk writes `unknown` for a number it does not have.
    static func number(_ value: String?) -> String {
        guard let value, value != "unknown" else { return "" }
        return value
    }

    /// `agi_callerid`, empty when unknown.
    public var caller: String { Self.number(self["agi_callerid"]) }

    /// `agi_dnid`, else `agi_extension`.
    public var called: String {
        let dialled = Self.number(self["agi_dnid"])
        return dialled.isEmpty ? Self.number(self["agi_extension"]) : dialled
    }

    public var uniqueID: String { self["agi_uniqueid"] ?? "" }
}
