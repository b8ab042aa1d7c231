import Foundation

/// Numbers as flows write them: `-?[0-9]+(\.[0-9]+)?`, compared as decimals.
public enum Numbers {
    public static func decimal(_ text: String) -> Decimal? {
        guard isNumber(text) else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    public static func isNumber(_ text: String) -> Bool {
        var utf8 = Substring(text).utf8[...]
        if utf8.first == UInt8(ascii: "-") { utf8 = utf8.dropFirst() }
        let parts = utf8.split(separator: UInt8(ascii: "."), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return false }
        return parts.allSatisfy { part in !part.isEmpty && part.allSatisfy { (0x30...0x39).contains($0) } }
    }

    /// `{x:amount}`: two decimals, rounded half away from zero, computed on
    /// the digits themselves (no binary floating point). Not a number: as is.
    public static func amount(_ text: String) -> String {
        guard isNumber(text) else { return text }
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        var integer = Array(parts[0]).compactMap(\.wholeNumberValue)
        var fraction = parts.count > 1 ? Array(parts[1]).compactMap(\.wholeNumberValue) : []
        while fraction.count < 3 { fraction.append(0) }
        let roundUp = fraction[2] >= 5
        var cents = [fraction[0], fraction[1]]
        if roundUp {
            var carry = 1
            for index in stride(from: 1, through: 0, by: -1) where carry == 1 {
                cents[index] += 1
                if cents[index] == 10 { cents[index] = 0 } else { carry = 0 }
            }
            var position = integer.count - 1
            while carry == 1 {
                if position < 0 { integer.insert(1, at: 0); carry = 0; break }
                integer[position] += 1
                if integer[position] == 10 { integer[position] = 0; position -= 1 } else { carry = 0 }
            }
        }
        while integer.count > 1, integer.first == 0 { integer.removeFirst() }
        let digits = integer.map(String.init).joined() + "." + cents.map(String.init).joined()
        let isZero = integer.allSatisfy { $0 == 0 } && cents.allSatisfy { $0 == 0 }
        return (negative && !isZero ? "-" : "") + digits
    }

    /// `{x:digits}`: each character apart, for a speech engine to read one by one.
    public static func digits(_ text: String) -> String {
        text.map(String.init).joined(separator: " ")
    }
}
