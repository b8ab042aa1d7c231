/// HMAC-SHA256 (RFC 2104) over the core's own SHA-256: records keep a keyed
/// hash of caller and called numbers instead of the numbers
/// (`--hash-numbers`), so calls from one caller still group together while
/// the numbers themselves, personal data under laws such as China's PIPL,
/// are not stored.
public enum HMAC {
    public static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var block = key.count > 64 ? { var hash = SHA256(); hash.update(key); return hash.finalize() }() : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5C })
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// The hex digest a record stores for a number; the empty number stays
    /// empty (an unknown caller is not a caller).
    public static func numberDigest(_ number: String, key: [UInt8]) -> String {
        number.isEmpty ? "" : SHA256.hexString(sha256(key: key, message: Array(number.utf8)))
    }
}
