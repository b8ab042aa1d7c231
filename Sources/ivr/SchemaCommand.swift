import ArgumentParser
import IVRCore
import IVRTools

extension FlowSchema.Kind: ExpressibleByArgument {}

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of flow, knowledge-base, scenario, data, caller-model or campaign files, for editors.",
        discussion: """
        Save it and point your YAML language server at it, for example with a first line \
        '# yaml-language-server: $schema=flow.schema.json' in a flow file.
        """
    )

    @Argument(help: "flow (default), knowledge, scenario, data, callers or campaign.") var kind: FlowSchema.Kind = .flow

    func run() throws {
        print(FlowSchema.document(kind).text)
    }
}
