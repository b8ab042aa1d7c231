/// Cuts the bytes Asterisk sends into lines. Every line Asterisk sends ends
/// in `\n` (observed, 22.10.1); a line is returned without it. A line longer
/// than `limit` bytes is a protocol error: the session ends, so a peer can
/// never make the gateway hold an unbounded line.
public struct AGILineSplitter: Sendable {
    public enum Piece: Sendable, Equatable {
        case line(String)
        case tooLong
    }

    /// SPEC 12: 8 KiB.
    public static let defaultLimit = 8 * 1024

    public let limit: Int
    private var pending: [UInt8] = []
    private var overflowed = false

    public init(limit: Int = AGILineSplitter.defaultLimit) {
        self.limit = limit
    }

    /// The lines completed by these bytes (a partial line is kept for the
    /// next call). After `.tooLong` nothing more is returned.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [Piece] where Bytes.Element == UInt8 {
        guard !overflowed else { return [] }
        var pieces: [Piece] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                // Not valid UTF-8 stays visible rather than being dropped.
                pieces.append(.line(String(decoding: pending, as: UTF8.self)))
                pending.removeAll(keepingCapacity: true)
                continue
            }
            pending.append(byte)
            if pending.count > limit {
                overflowed = true
                pending = []
                pieces.append(.tooLong)
                return pieces
            }
        }
        return pieces
    }
}
