import IVRCore
/// Keys as people type them for `ivr run` and scenario files:
/// `0-9 * # A-D` (`a-d` too) are presses, `.` a timeout, `!` a hangup;
/// spaces, tabs, commas and newlines separate and mean nothing.
public enum InputToken: Sendable, Equatable {
    case key(DTMFKey)
    case timeout
    case hangup

    /// Nil for a separator; throws for a character that means nothing here.
    public init?(_ character: Character) throws {
        switch character {
        case " ", "\t", ",", "\n", "\r", "\r\n": return nil
        case ".": self = .timeout
        case "!": self = .hangup
        default:
            guard let key = DTMFKey(character) else { throw KeyScript.BadCharacter(character: character) }
            self = .key(key)
        }
    }
}

public enum KeyScript {
    public struct BadCharacter: Error, Equatable, CustomStringConvertible {
        public var character: Character

        public var description: String {
            let shown = character.unicodeScalars.allSatisfy { $0.properties.isWhitespace || $0.value < 0x20 }
                ? character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined()
                : "'\(character)'"
            return "\(shown) is not a key: use 0-9 * # A-D, '.' for a timeout, '!' to hang up"
        }
    }

    public static func parse(_ text: String) throws(BadCharacter) -> [InputToken] {
        var tokens: [InputToken] = []
        for character in text {
            do {
                if let token = try InputToken(character) { tokens.append(token) }
            } catch let error as BadCharacter {
                throw error
            } catch {
                throw BadCharacter(character: character)
            }
        }
        return tokens
    }
}
