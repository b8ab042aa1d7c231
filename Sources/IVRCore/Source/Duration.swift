/// Durations as flows write them.
public enum Duration {
    /// `500ms`, `5s`, `1.5s`, `2m` in milliseconds; nil when malformed or huge.
    public static func milliseconds(_ text: String) -> Int? {
        let units: [(String, Double)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                  number.first != ".", number.last != ".",
                  let value = Double(number), value * scale <= 86_400_000 else { return nil }
            return Int((value * scale).rounded())
        }
        return nil
    }

    /// A span for the command line (`--repeat-window 24h`, `--over 8h`):
    /// a number with s, m, h or d, more than zero, at most a year.
    public static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                  number.first != ".", number.last != ".", let value = Double(number), value > 0,
                  value * scale <= 366 * 86_400 else { return nil }
            return value * scale
        }
        return nil
    }
}
