import Foundation
@testable import IVRCore
import IVRTools

/// Flows held in memory under /t, with catalogs in /t/Prompts.
enum Fixture {
    static let catalogs = [
        "zh-CN": """
        welcome: 欢迎
        main: { menu: 主菜单, invalid: 输入有误, silence: 没有听到 }
        info: 信息
        bye: 再见
        ask: { account: 请输入账号, confirm: "您输入的是{account:digits}" }
        balance: "余额{customer.balance:amount}元"
        """,
        "en-US": """
        welcome: Welcome
        main: { menu: Main menu, invalid: Invalid, silence: Silence }
        info: Info
        bye: Goodbye
        ask: { account: Enter your account, confirm: "You entered {account:digits}" }
        balance: "Balance {customer.balance:amount}"
        """,
    ]

    static func files(flow: String, extra: [String: String] = [:]) -> MemoryFiles {
        var files = ["/t/Flows/flow.yaml": flow]
        for (language, text) in catalogs { files["/t/Prompts/\(language).yaml"] = text }
        for (path, text) in extra { files[path] = text }
        return MemoryFiles(files)
    }

    static func compile(_ flow: String, extra: [String: String] = [:]) -> CompileResult {
        FlowCompiler.compile(path: "/t/Flows/flow.yaml",
                             options: CompileOptions(files: files(flow: flow, extra: extra), workingDirectory: "/t"))
    }

    /// Diagnostics as `file:line:column: severity: message` lines.
    static func diagnostics(_ flow: String, extra: [String: String] = [:]) -> [String] {
        compile(flow, extra: extra).diagnostics.map(\.description)
    }

    static func machine(_ flow: String, extra: [String: String] = [:]) throws -> Machine {
        let result = compile(flow, extra: extra)
        guard let machine = result.machine else {
            throw FixtureError(diagnostics: result.diagnostics.map(\.description))
        }
        return machine
    }

    struct FixtureError: Error, CustomStringConvertible {
        var diagnostics: [String]
        var description: String { diagnostics.joined(separator: "\n") }
    }

    /// A small valid flow header; states follow.
    static func flow(_ states: String, header: String = "") -> String {
        """
        flow: test
        start: main
        languages: [zh-CN, en-US]
        \(header)
        states:
        \(states)
        """
    }
}

extension Output {
    /// Trace lines as short strings: `event state detail`.
    var lines: [String] { trace.map(\.json) }
    /// `event state` per trace line.
    var events: [String] { trace.map { "\($0.event) \($0.state)" } }
}

/// An output's actions and its directive as one list, the way these tests
/// compare them whole: a wait, a lookup, a transfer or the end follows the
/// plays. A key that only joins an entry (no action, the same wait) is [].
enum Step: Equatable {
    case action(Action)
    case wait(Action.Wait)
    case lookup(table: String, key: String)
    case transfer(String)
    case hangup(String)
    case ignored(IgnoredEvent)

    static func play(_ play: Action.Play) -> Step { .action(.play(play)) }
    static func countResolution(knowledgeBase: String, article: String) -> Step {
        .action(.countResolution(knowledgeBase: knowledgeBase, article: article))
    }
}

extension Output {
    var steps: [Step] {
        var steps = actions.map(Step.action)
        switch directive {
        case .waiting(let wait):
            if wait.entered > 0, steps.isEmpty { return [] }
            steps.append(.wait(wait))
        case .lookup(let table, let key): steps.append(.lookup(table: table, key: key))
        case .transferring(let target): steps.append(.transfer(target))
        case .ended(let outcome): steps.append(.hangup(outcome))
        case .ignored(let reason): steps.append(.ignored(reason))
        }
        return steps
    }
}
