/// The Luhn mod-10 check digit (`check: luhn`).
public enum Luhn {
    public static func isValid(_ digits: String) -> Bool {
        guard digits.count >= 2 else { return false }
        var sum = 0
        for (position, character) in digits.reversed().enumerated() {
            guard var digit = character.wholeNumberValue, character.isASCII else { return false }
            if position % 2 == 1 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return sum % 10 == 0
    }
}
