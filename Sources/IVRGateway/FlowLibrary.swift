import Foundation
import IVRCore
import IVRStore
import IVRTools

/// The flows a gateway serves (SPEC 11): every top flow under its paths,
/// by its `flow:` name, each at its newest version that compiles. A load
/// (start-up, `SIGHUP`, a changed file) compiles everything again: a flow
/// that compiles becomes the version new calls start on; one that does not
/// is refused with its diagnostics and its running version keeps serving.
/// Every version ever served stays reachable by its hash, so calls in
/// progress (and saved calls) finish on the version they started on.
///
/// No sockets, no clock, no threads: the gateway calls `load` off its
/// event loop and swaps the library in.
public struct FlowLibrary: Sendable {
    public struct Flow: Sendable {
        public var name: String
        /// The top flow file.
        public var path: String
        public var machine: Machine
        public var tables: DataTables
        public var version: String { machine.version }
        /// The files it was built from: path relative to the flow's
        /// directory, and text.
        public var files: [String: String]
        /// Absolute paths of those files, to watch for changes.
        public var watched: [String]
    }

    /// Why a flow is not served at its newest version.
    public struct Refusal: Sendable, Equatable {
        public var path: String
        public var reason: String
        public var diagnostics: [Diagnostic]
    }

    public private(set) var current: [String: Flow] = [:]
    public private(set) var versions: [String: Flow] = [:]
    public var options: CompileOptions

    public init(options: CompileOptions = CompileOptions()) {
        self.options = options
    }

    /// The top flows under `paths` (files as given, directories searched);
    /// sub-flows are compiled through their callers.
    public static func flowFiles(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [path] }
            return isDirectory.boolValue ? FlowFinder.flows(under: path) : [path]
        }
    }

    /// Compiles every flow under `paths` again. Returns the refusals; a
    /// refused flow keeps its running version (none at start-up).
    public mutating func load(_ paths: [String]) -> [Refusal] {
        var refusals: [Refusal] = []
        var names: [String: String] = [:]
        for path in Self.flowFiles(paths) {
            let recording = RecordingFiles(options.files)
            var compileOptions = options
            compileOptions.files = recording
            let result = FlowCompiler.compile(path: path, options: compileOptions)
            guard let machine = result.machine else {
                let reason = result.errors.isEmpty ? "it cannot be read" : "it does not compile (\(result.errors.count) \(result.errors.count == 1 ? "error" : "errors"))"
                refusals.append(Refusal(path: path, reason: reason, diagnostics: result.diagnostics))
                continue
            }
            if result.isSubflow { continue }
            let name = result.flowName
            if let other = names[name] {
                refusals.append(Refusal(path: path, reason: "flow '\(name)' is also defined by \(other): each name serves one flow", diagnostics: []))
                continue
            }
            names[name] = path
            let directory = (path as NSString).deletingLastPathComponent
            var files: [String: String] = [:]
            for (file, data) in recording.files {
                files[Self.relative(file, to: directory)] = String(decoding: data, as: UTF8.self)
            }
            let flow = Flow(name: name, path: path, machine: machine, tables: result.tables, files: files,
                            watched: recording.files.keys.sorted())
            current[name] = flow
            if versions[flow.version] == nil { versions[flow.version] = flow }
        }
        return refusals
    }

    /// Builds a version another instance served (or this one before a
    /// restart) from its files in the store, in the directory where this
    /// gateway serves the flow of that name (recordings are read there). Nil
    /// when this gateway serves no flow of that name, the files hold no top
    /// flow, or they no longer build that exact version (a recording
    /// changed, or another compiler format).
    public mutating func rebuild(_ stored: StoredVersion) -> Flow? {
        if let flow = versions[stored.version] { return flow }
        guard let served = current[stored.flow] else { return nil }
        let directory = (served.path as NSString).deletingLastPathComponent
        let absolute = directory.hasPrefix("/") ? directory : (options.workingDirectory as NSString).appendingPathComponent(directory)
        var files: [String: Data] = [:]
        for (relative, text) in stored.files {
            files[((absolute as NSString).appendingPathComponent(relative) as NSString).standardizingPath] = Data(text.utf8)
        }
        let top = stored.files.keys.filter { name in
            !name.contains("/") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
                && ![".data.yaml", ".kb.yaml", ".test.yaml", ".callers.yaml"].contains { name.hasSuffix($0) }
                && (stored.files[name] ?? "").split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "flow: \(stored.flow)" }
        }
        guard top.count == 1, let name = top.first else { return nil }
        var compileOptions = options
        compileOptions.files = StoredFiles(files: files)
        let path = (absolute as NSString).appendingPathComponent(name)
        let result = FlowCompiler.compile(path: path, options: compileOptions)
        guard let machine = result.machine, machine.version == stored.version else { return nil }
        let flow = Flow(name: stored.flow, path: path, machine: machine, tables: result.tables, files: stored.files, watched: [])
        versions[flow.version] = flow
        return flow
    }

    /// Keeps a version built elsewhere (`rebuild` on a copy) for the calls on it.
    public mutating func keep(_ flow: Flow) {
        if versions[flow.version] == nil { versions[flow.version] = flow }
    }

    /// The version new calls of `name` start on.
    public func flow(named name: String) -> Flow? { current[name] }

    /// Any version served, for calls that started on it.
    public func flow(version: String) -> Flow? { versions[version] }

    /// Every file a served flow was built from (a change to one means: load again).
    public var watchedFiles: [String] { Array(Set(current.values.flatMap(\.watched))).sorted() }

    /// The store's record of a version: its files, for another instance.
    public static func stored(_ flow: Flow) -> StoredVersion {
        StoredVersion(version: flow.version, flow: flow.name, files: flow.files)
    }

    static func relative(_ path: String, to directory: String) -> String {
        let base = URL(fileURLWithPath: directory).standardizedFileURL.pathComponents
        let target = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        var common = 0
        while common < min(base.count, target.count), base[common] == target[common] { common += 1 }
        return (Array(repeating: "..", count: base.count - common) + target[common...]).joined(separator: "/")
    }
}
