import ArgumentParser
import Foundation
import IVRCore

/// `ivr prompts status FLOW`: per language, which prompt keys the flow
/// plays have a recording, which do not, and which hold placeholders (a
/// gateway speaks those through its TTS, as no studio recording can hold
/// every amount or name).
struct PromptsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompts",
        abstract: "Recordings of a flow's prompts, per language.",
        subcommands: [Status.self]
    )

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List per language the prompts with a recording, without one, and with placeholders (spoken by TTS).")

        @Argument(help: "The flow file.") var flow: String
        @Option(help: "The prompt catalog directory.") var prompts: String?
        @Flag(help: "One JSON object per language and line.") var json = false

        func run() throws {
            let (_, machine) = try Console.compile(flow, prompts: prompts)
            for (index, language) in machine.languages.enumerated() {
                var recorded: [String] = [], missing: [String] = [], dynamic: [String] = []
                for prompt in machine.prompts {
                    if prompt.audio[index] != nil {
                        recorded.append(prompt.key)
                    } else if prompt.texts[index].isPlainText {
                        missing.append(prompt.key)
                    } else {
                        dynamic.append(prompt.key)
                    }
                }
                if json {
                    print(JSONValue.object([("language", .string(language)), ("recorded", .array(recorded.map(JSONValue.string))),
                                            ("missing", .array(missing.map(JSONValue.string))),
                                            ("dynamic", .array(dynamic.map(JSONValue.string)))]).text)
                } else {
                    print("\(language): \(recorded.count) of \(recorded.count + missing.count) fixed prompts recorded, \(dynamic.count) with placeholders")
                    if !missing.isEmpty { print("  not recorded: " + missing.joined(separator: ", ")) }
                    if !dynamic.isEmpty { print("  spoken by TTS (placeholders): " + dynamic.joined(separator: ", ")) }
                }
            }
        }
    }
}
