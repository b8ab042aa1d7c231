import ArgumentParser
import Foundation
import IVRCore

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run scenario files (*.test.yaml); the last line is 'N passed, N failed'."
    )

    @Argument(help: "Scenario files, or directories to search for *.test.yaml.") var paths: [String]
    @Option(help: "The prompt catalog directory.") var prompts: String?

    func run() throws {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw Console.fail("no such file or directory '\(path)'", code: ExitStatus.usage)
            }
            files += isDirectory.boolValue ? FlowFinder.scenarios(under: path) : [path]
        }
        if files.isEmpty { Console.error("ivr: no *.test.yaml files in \(paths.joined(separator: ", "))") }
        let runner = ScenarioRunner(options: CompileOptions(promptsDirectory: prompts))
        var passed = 0, failed = 0
        for file in files {
            for outcome in runner.run(path: file, display: file) {
                if outcome.passed {
                    passed += 1
                    print("PASS  \(outcome.file): \(outcome.name)")
                } else {
                    failed += 1
                    print("FAIL  \(outcome.file): \(outcome.name)")
                    for problem in outcome.problems { print("      \(problem)") }
                }
            }
        }
        print("\(passed) passed, \(failed) failed")
        if failed > 0 || files.isEmpty { throw ExitCode(ExitStatus.failure) }
    }
}
