/// Seals the sensitive values of a saved call (SPEC 9): encrypts and
/// authenticates them with a key the host holds. The core defines only
/// this protocol; `IVRSeal` implements it with swift-crypto's AES-GCM.
/// `context` is authenticated but not encrypted: the saved call binds each
/// sealed value to its machine version and its name with it, so a value
/// cannot be moved to another call's field.
public protocol ValueSealer: Sendable {
    func seal(_ plaintext: [UInt8], context: [UInt8]) throws -> [UInt8]
    func open(_ sealed: [UInt8], context: [UInt8]) throws -> [UInt8]
}
