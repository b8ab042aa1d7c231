import Dispatch
import IVRStore

/// The command line runs one call on one thread, reading keys as they come;
/// the stores' protocols are async (for gateways). This waits for one
/// store operation, so that a count is written before the next key is read.
enum Blocking {
    private final class Box<T: Sendable>: @unchecked Sendable {
        // Written once by the task, read after the semaphore: no race.
        var result: Result<T, any Error>?
    }

    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        guard let result = box.result else { throw StoreError.other("a store operation ended without a result") }
        return try result.get()
    }

    /// One store operation running while the command goes on (a
    /// simulation writes one batch while it runs the next calls);
    /// `finish` waits for it and returns its error.
    final class Pending: @unchecked Sendable {
        // Written once by the task, read after the semaphore: no race.
        private var failure: (any Error)?
        private let done = DispatchSemaphore(value: 0)

        init(_ body: @escaping @Sendable () async throws -> Void) {
            Task {
                do { try await body() } catch { self.failure = error }
                self.done.signal()
            }
        }

        func finish() throws {
            done.wait()
            done.signal()  // a second finish returns at once
            if let failure { throw failure }
        }
    }
}
