import Foundation
import Testing
import IVRCore
@testable import IVRGateway

@Suite struct FlowLibraryTests {
    func project() throws -> URL { try FakeAsterisk.project() }

    @Test func everyTopFlowIsServedByItsNameWithTheFilesItWasBuiltFrom() throws {
        let directory = try project()
        var library = FlowLibrary(options: CompileOptions(workingDirectory: directory.path))
        let refusals = library.load([directory.appendingPathComponent("Flows").path])
        #expect(refusals.isEmpty, "\(refusals)")
        #expect(library.current.keys.sorted() == ["hotline", "reminder", "utility"], "the outage sub-flow is served through its caller")
        let hotline = try #require(library.flow(named: "hotline"))
        #expect(hotline.version.count == 64 && library.flow(version: hotline.version)?.name == "hotline")
        #expect(Set(hotline.files.keys).isSuperset(of: ["hotline.yaml", "hotline.kb.yaml", "hotline.data.yaml", "../Prompts/zh-CN.yaml",
                                                         "../Prompts/yue-HK.yaml", "../Prompts/en-US.yaml"]))
        #expect(library.watchedFiles.contains(directory.appendingPathComponent("Prompts/en-US.yaml").path))
        #expect(FlowLibrary.stored(hotline).files["hotline.yaml"]?.contains("flow: hotline") == true)
    }

    @Test func aReloadServesTheNewVersionAndKeepsTheOldForCallsInProgress() throws {
        let directory = try project()
        var library = FlowLibrary(options: CompileOptions(workingDirectory: directory.path))
        _ = library.load([directory.appendingPathComponent("Flows").path])
        let before = try #require(library.flow(named: "hotline")).version
        let catalog = directory.appendingPathComponent("Prompts/en-US.yaml")
        let text = try String(contentsOf: catalog, encoding: .utf8)
        try (text + "\nextra_note: A new prompt.\n").write(to: catalog, atomically: true, encoding: .utf8)
        #expect(library.load([directory.appendingPathComponent("Flows").path]).isEmpty)
        let after = try #require(library.flow(named: "hotline")).version
        #expect(after != before, "a catalog change is a new version")
        #expect(library.flow(version: before) != nil, "calls started on the old version finish on it")
        #expect(library.versions.count == 6, "three flows, two versions each")
    }

    @Test func aVersionThatDoesNotCompileIsRefusedAndTheRunningOneServes() throws {
        let directory = try project()
        var library = FlowLibrary(options: CompileOptions(workingDirectory: directory.path))
        _ = library.load([directory.appendingPathComponent("Flows").path])
        let running = try #require(library.flow(named: "hotline")).version
        let flow = directory.appendingPathComponent("Flows/hotline.yaml")
        let text = try String(contentsOf: flow, encoding: .utf8)
        try text.replacingOccurrences(of: "\"1\": service_points", with: "\"1\": servce_points").write(to: flow, atomically: true, encoding: .utf8)
        let refusals = library.load([directory.appendingPathComponent("Flows").path])
        #expect(refusals.count == 1)
        #expect(refusals.first?.reason == "it does not compile (1 error)")
        #expect(refusals.first?.diagnostics.first?.id == .unknownState)
        #expect(library.flow(named: "hotline")?.version == running)
        #expect(library.flow(named: "utility") != nil)
    }

    @Test func twoFilesCannotServeOneName() throws {
        let directory = try project()
        try FileManager.default.copyItem(at: directory.appendingPathComponent("Flows/utility.yaml"),
                                         to: directory.appendingPathComponent("Flows/utility-copy.yaml"))
        var library = FlowLibrary(options: CompileOptions(workingDirectory: directory.path))
        let refusals = library.load([directory.appendingPathComponent("Flows").path])
        #expect(refusals.map(\.reason) == ["flow 'utility' is also defined by \(directory.appendingPathComponent("Flows/utility-copy.yaml").path): each name serves one flow"])
    }
}
