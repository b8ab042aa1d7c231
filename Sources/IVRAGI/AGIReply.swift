import Foundation

/// One answer from Asterisk to a command (SPEC 12, as Asterisk 22.10.1
/// sends them): `200 result=N (data) endpos=N`, `510` (unknown command),
/// `511` (not permitted on a dead channel), a `520` usage block.
public enum AGIReply: Sendable, Equatable {
    case success(result: Int, data: String?, endpos: Int?)
    case invalidCommand
    case deadChannel
    /// The usage text of a `520` block, without its first and last lines.
    case usage([String])

    /// Parses a one-line reply (`200`, `510`, `511`); nil for anything else.
    public static func parse(_ line: String) -> AGIReply? {
        if line.hasPrefix("510") { return .invalidCommand }
        if line.hasPrefix("511") { return .deadChannel }
        guard line.hasPrefix("200 result=") else { return nil }
        var rest = line.dropFirst("200 result=".count)
        let digits = rest.prefix { $0 == "-" || $0.isNumber }
        guard let result = Int(digits) else { return nil }
        rest = rest.dropFirst(digits.count)
        var data: String?
        if rest.hasPrefix(" (") {
            // Data in parentheses may hold spaces and parentheses: it runs
            // to the last ')' before an ` endpos=` or the end.
            let body = rest.dropFirst(2)
            let end = body.range(of: ") endpos=", options: .backwards)?.lowerBound ?? body.lastIndex(of: ")")
            guard let end else { return nil }
            data = String(body[..<end])
            rest = body[body.index(after: end)...]
        }
        var endpos: Int?
        if rest.hasPrefix(" endpos=") {
            guard let value = Int(rest.dropFirst(" endpos=".count)) else { return nil }
            endpos = value
            rest = ""
        }
        return rest.trimmingCharacters(in: .whitespaces).isEmpty ? .success(result: result, data: data, endpos: endpos) : nil
    }

    /// The result code of a `200` reply.
    public var result: Int? {
        if case .success(let result, _, _) = self { return result }
        return nil
    }
}
