import ArgumentParser
import IVRCore

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of flow, knowledge-base or scenario files, for editors.",
        discussion: """
        Save it and point your YAML language server at it, for example with a first line \
        '# yaml-language-server: $schema=flow.schema.json' in a flow file.
        """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case flow, knowledge, scenario
    }

    @Argument(help: "flow (default), knowledge or scenario.") var kind: Kind = .flow

    func run() throws {
        let schema = FlowSchema.Kind(rawValue: kind.rawValue) ?? .flow
        print(FlowSchema.document(schema).text)
    }
}
