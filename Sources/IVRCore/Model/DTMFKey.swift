/// A telephone keypad key: `0-9`, `*`, `#` and the rarely seen `A-D`.
public enum DTMFKey: UInt8, CaseIterable, Sendable, Codable, Hashable, CustomStringConvertible {
    case k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, star, pound, a, b, c, d

    public init?(_ character: Character) {
        switch character {
        case "0"..."9":
            guard let digit = character.wholeNumberValue, let key = DTMFKey(rawValue: UInt8(digit)) else { return nil }
            self = key
        case "*": self = .star
        case "#": self = .pound
        case "A", "a": self = .a
        case "B", "b": self = .b
        case "C", "c": self = .c
        case "D", "d": self = .d
        default: return nil
        }
    }

    /// A key written in YAML: exactly one key character (upper case for A-D).
    public init?(text: String) {
        guard text.count == 1, let character = text.first, !("a"..."d").contains(character),
              let key = DTMFKey(character) else { return nil }
        self = key
    }

    public var character: Character {
        switch self {
        case .star: return "*"
        case .pound: return "#"
        case .a: return "A"
        case .b: return "B"
        case .c: return "C"
        case .d: return "D"
        default: return Character(String(rawValue))
        }
    }

    public var description: String { String(character) }

    /// The letters printed on this key (2=ABC ... 9=WXYZ).
    public var letters: String {
        switch self {
        case .k2: return "abc"
        case .k3: return "def"
        case .k4: return "ghi"
        case .k5: return "jkl"
        case .k6: return "mno"
        case .k7: return "pqrs"
        case .k8: return "tuv"
        case .k9: return "wxyz"
        default: return ""
        }
    }
}

/// A fixed table from keys to values: 16 slots, no hashing on the key path.
public struct KeyMap<Value>: Sendable where Value: Sendable {
    private var slots: [Value?]

    public init() { slots = Array(repeating: nil, count: DTMFKey.allCases.count) }

    public subscript(key: DTMFKey) -> Value? {
        get { slots[Int(key.rawValue)] }
        set { slots[Int(key.rawValue)] = newValue }
    }

    public var keys: [DTMFKey] { DTMFKey.allCases.filter { slots[Int($0.rawValue)] != nil } }
    public var isEmpty: Bool { slots.allSatisfy { $0 == nil } }
    public var values: [Value] { slots.compactMap { $0 } }
}
