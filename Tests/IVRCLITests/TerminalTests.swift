import Foundation
import Testing

/// `ivr run` on a real pseudo-terminal, as an author types at it.
@Suite struct TerminalTests {
    static let flow = """
    flow: terminal
    start: main
    languages: [en-US]
    states:
      main:
        menu:
          prompt: hi
          options: { "1": account, "2": done }
          timeout: 400ms
          retries: 2
          on_failure: { hangup: failed }
      account:
        ask:
          prompt: enter
          max_digits: 6
          finish_on: "#"
          save_as: number
          next: check
      check:
        branch:
          - if: { var: number, equals: "1234" }
            goto: done
          - else: main
      done: { hangup: resolved }

    """

    /// Runs `ivr run` with standard input on a pseudo-terminal; `typing`
    /// writes to the terminal, with pauses, while the call runs.
    func runOnTerminal(_ arguments: [String], typing: (Int32) -> Void) throws -> IVRBinary.Result {
        let directory = try IVRBinary.scratch(["Flows/t.yaml": Self.flow, "Prompts/en-US.yaml": "hi: Press 1 or 2.\nenter: Enter four digits.\n"])
        // Linux's /dev/ptmx: unlock the terminal pair and open its other end.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        try #require(master >= 0)
        defer { close(master) }
        var unlock: Int32 = 0, number: Int32 = 0
        try #require(ioctl(master, UInt(0x4004_5431) /* TIOCSPTLCK */, &unlock) == 0)
        try #require(ioctl(master, UInt(0x8004_5430) /* TIOCGPTN */, &number) == 0)
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        try #require(slave >= 0)
        let process = Process()
        process.executableURL = IVRBinary.executable
        process.arguments = ["run", "Flows/t.yaml"] + arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardInput = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        typing(master)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return IVRBinary.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func type(_ master: Int32, _ bytes: [UInt8], pause: Double = 0.3) {
        Thread.sleep(forTimeInterval: pause)
        _ = bytes.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }
    }

    @Test func silenceTimesOutForRealAfterTheWaitsOwnTimeout() throws {
        let started = Date()
        let result = try runOnTerminal([]) { _ in }
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.status == 0)
        #expect(result.stdout == """
        keys: 0-9 * # A-D press · silence times out as the wait says (. times out at once) · ! or Ctrl-D hangs up
        main
          says [hi en-US] Press 1 or 2.
          waits for a key (timeout 400ms)
          caller is silent until the timeout
          no input (attempt 1)
          says [hi en-US] Press 1 or 2.
          waits for a key (timeout 400ms)
          caller is silent until the timeout
          no input (attempt 2)
        call ended: failed after 1 steps

        """)
        // Two waits of 400 ms each, not less.
        #expect(elapsed >= 0.8)
    }

    @Test func arrowKeysAreIgnoredAnEntryIsOneLineAndTheBranchCaseIsNamed() throws {
        // Up arrow, Down arrow, then 1; an entry 1234, a lone Esc, then #.
        let result = try runOnTerminal(["--no-timeouts"]) { master in
            Self.type(master, [0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x42, 0x31])
            Self.type(master, Array("12".utf8))
            Self.type(master, Array("34".utf8))
            Self.type(master, [0x1B])
            Self.type(master, Array("#".utf8))
        }
        #expect(result.status == 0)
        #expect(result.stdout == """
        keys: 0-9 * # A-D press · . times out (silence waits for ever) · ! or Ctrl-D hangs up
        main
          says [hi en-US] Press 1 or 2.
          waits for a key (timeout 400ms)
          caller presses 1
        account
          says [enter en-US] Enter four digits.
          waits for up to 6 keys, # to finish (timeout 5s, 3s between keys)
          caller enters 1234#
          sets number = 1234
        check
          takes case 1: number = 1234
        done
        call ended: resolved after 4 steps

        """)
        #expect(result.stderr.isEmpty)
    }

    @Test func theCallerHangingUpIsShownWithItsState() throws {
        let result = try runOnTerminal(["--no-timeouts"]) { master in
            Self.type(master, Array("1".utf8))
            Self.type(master, Array("9x!".utf8))
        }
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("""
          caller enters 9
          caller hangs up in account
        call ended: abandoned after 2 steps

        """))
        #expect(result.stderr == "  (ignored: 'x' is not a key: use 0-9 * # A-D, '.' for a timeout, '!' to hang up)\n")
    }
}

@Suite struct PipedInputTests {
    @Test func invalidUTF8IsAUsageErrorNamingItsByteOffset() throws {
        let process = Process()
        process.executableURL = IVRBinary.executable
        process.arguments = ["run", "Flows/hotline.yaml", "--at", "2026-11-23T10:00:00+08:00"]
        process.currentDirectoryURL = IVRBinary.packageRoot
        let input = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        input.fileHandleForWriting.write(Data([0x31, 0x20, 0xFF, 0x32]))
        try input.fileHandleForWriting.close()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(stderr == "ivr: standard input: byte offset 2: the input is not valid UTF-8: keys are 0-9 * # A-D, '.' for a timeout, '!' to hang up\n")
        // The key before it was used; nothing after it is guessed at.
        #expect(stdout.contains("caller presses 1"))
        #expect(!stdout.contains("call ended"))
    }
}
