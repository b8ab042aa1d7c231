import Foundation
import IVRAGI
import IVRGateway

/// What every connection of a gateway shares: the flows, the options, the
/// log. Immutable after start-up except the log's memory of lines said once.
final class Gateway: @unchecked Sendable {
    static let environmentSeconds = 5

    let library: FlowLibrary
    let options: AGISession.Options
    private var said = Set<String>()
    private let lock = NSLock()

    init(library: FlowLibrary, options: AGISession.Options) {
        self.library = library
        self.options = options
    }

    func log(_ line: String) {
        FileHandle.standardError.write(Data(("ivr-gateway: " + line + "\n").utf8))
    }

    /// A line logged once per process (a prompt without audio, say).
    func logOnce(_ line: String) {
        lock.lock()
        let first = said.insert(line).inserted
        lock.unlock()
        if first { log(line) }
    }
}
