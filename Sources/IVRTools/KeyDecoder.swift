/// Turns the bytes a person types (or pipes) into `ivr run` into input
/// tokens, one byte at a time, with no I/O: the command line's reader feeds
/// it what `read` returns and tells it when the terminal went quiet.
///
/// - From a pipe or file (`interactive == false`) it is strict: a byte that
///   is not valid UTF-8, or a character that is not a key, is an error that
///   names its byte offset (counted from 0), and the caller's keys after it
///   are never guessed at.
/// - On a terminal it forgives: escape sequences (arrow and function keys,
///   `ESC [ ... final`, `ESC O x`, Alt+key) are skipped whole so an arrow key
///   never arrives as A-D, Ctrl-C and Ctrl-D hang up, and anything else that
///   is not a key is skipped with a note.
public struct KeyDecoder: Sendable {
    public enum Step: Sendable, Equatable {
        /// Nothing (a separator, part of a character, or an escape
        /// sequence, skipped in silence).
        case none
        case token(InputToken)
        /// Skipped on a terminal; the text says what, for a short note.
        case skipped(String)
        case error(InputError)
    }

    public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
        public var offset: Int
        public var problem: String

        public var description: String { "byte offset \(offset): \(problem)" }
    }

    public let interactive: Bool
    /// Bytes fed so far; the next byte's offset.
    public private(set) var offset = 0
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var needed = 0
    private var escape = Escape.none

    private enum Escape: Sendable {
        case none
        /// ESC seen: what follows decides.
        case started
        /// `ESC [`: parameters until a final byte 0x40-0x7E.
        case controlSequence
        /// `ESC O`: one more byte.
        case singleShift
    }

    public init(interactive: Bool) {
        self.interactive = interactive
    }

    /// True while an escape sequence has begun: the reader should wait a
    /// moment for the rest and call `pause` if nothing comes (a lone Esc).
    public var inEscape: Bool { escape != .none }

    public mutating func feed(_ byte: UInt8) -> Step {
        let position = offset
        offset += 1
        if interactive, escape != .none {
            switch (escape, byte) {
            case (.started, UInt8(ascii: "[")): escape = .controlSequence
            case (.started, UInt8(ascii: "O")): escape = .singleShift
            case (.controlSequence, 0x20...0x3F): break
            default: escape = .none
            }
            return .none
        }
        if needed > 0 {
            guard (0x80...0xBF).contains(byte) else { return invalid(at: pendingStart) }
            pending.append(byte)
            guard pending.count == needed else { return .none }
            let bytes = pending
            pending = []
            needed = 0
            guard let text = String(validating: bytes, as: UTF8.self), let character = text.first else {
                return invalid(at: pendingStart)
            }
            return decode(character, at: pendingStart)
        }
        switch byte {
        case 0x00...0x7F:
            if interactive {
                if byte == 0x1B { escape = .started; return .none }
                if byte == 0x03 || byte == 0x04 { return .token(.hangup) }
            }
            return decode(Character(Unicode.Scalar(byte)), at: position)
        case 0xC2...0xDF: needed = 2
        case 0xE0...0xEF: needed = 3
        case 0xF0...0xF4: needed = 4
        default: return invalid(at: position)
        }
        pending = [byte]
        pendingStart = position
        return .none
    }

    /// The terminal went quiet mid-sequence: a lone Esc press, skipped.
    public mutating func pause() {
        escape = .none
    }

    /// The input ended: a character cut short is an error from a pipe.
    public mutating func finish() -> Step {
        escape = .none
        guard needed > 0 else { return .none }
        needed = 0
        pending = []
        return invalid(at: pendingStart)
    }

    private func decode(_ character: Character, at position: Int) -> Step {
        do {
            return try InputToken(character).map(Step.token) ?? .none
        } catch {
            let bad = KeyScript.BadCharacter(character: character)
            return interactive ? .skipped(bad.description) : .error(InputError(offset: position, problem: bad.description))
        }
    }

    private mutating func invalid(at position: Int) -> Step {
        pending = []
        needed = 0
        if interactive { return .skipped("a byte that is not UTF-8") }
        return .error(InputError(offset: position, problem: "the input is not valid UTF-8: keys are 0-9 * # A-D, '.' for a timeout, '!' to hang up"))
    }
}
