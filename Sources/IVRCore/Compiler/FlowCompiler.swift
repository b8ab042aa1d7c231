import Foundation

/// Compiles a flow file (and the sub-flows it calls, its prompt catalogs and
/// data tables) into a `Machine`. Loading happens here; each check is a pass
/// of its own (`Lowering`, `CyclePass`, `ReachabilityPass`, `VariablePass`)
/// that adds diagnostics.
public enum FlowCompiler {
    /// The compiled machine's format: raise it whenever a change to the
    /// compiler numbers states, prompts or anything a saved call holds
    /// differently, so that versions (and saved calls) built before differ.
    public static let formatVersion = 2

    /// SPEC 9: SHA-256 over the compiler's format version, every file the
    /// machine was built from (flows, catalogs, knowledge bases, data, in
    /// load order) and the list of recorded audio files with their sizes.
    static func version(sources: [String], audio: [String]) -> String {
        var hash = SHA256()
        hash.add("ivr machine format \(formatVersion)")
        for source in sources { hash.add(source) }
        hash.add("audio")
        for entry in audio { hash.add(entry) }
        return hash.hex
    }

    public static func compile(path: String, options: CompileOptions = CompileOptions()) -> CompileResult {
        let compilation = Compilation(options: options)
        return compilation.run(topPath: path)
    }

    /// Compiles YAML held in memory as if it were the file at `path`; its
    /// catalogs and data still come from `options.files`.
    public static func compile(text: String, path: String, options: CompileOptions = CompileOptions()) -> CompileResult {
        let compilation = Compilation(options: options)
        compilation.inlineTop = (compilation.absolute(path), text)
        return compilation.run(topPath: path)
    }
}

/// One flow file of the compilation: the top flow or a sub-flow.
struct CompilationUnit {
    var file: FlowFile
    var absolutePath: String
    var directory: String
    var promptDirectory: String
    var catalogs: [String: PromptCatalog] = [:]
    var tables: DataTables?
    /// Index of the unit's knowledge base in the compilation, if it names one.
    var knowledge: Int?
    /// Index of the unit's first state in the machine.
    var base: Int
    var stateIndex: [String: Int] = [:]
    var traceName: (String) -> String
}

final class Compilation {
    let options: CompileOptions
    let bag = DiagnosticBag()
    var units: [CompilationUnit] = []
    var unitByPath: [String: Int] = [:]
    var sources: [String] = []
    var inlineTop: (path: String, text: String)?
    var machineLanguages: [String] = []
    var states: [Machine.State] = []
    var prompts: [Machine.Prompt] = []
    var promptIndex: [String: Int] = [:]
    var schedules: [Schedule] = []
    var scheduleIndex: [String: Int] = [:]
    var knowledgeBases: [KnowledgeBase] = []
    var knowledgeByPath: [String: Int] = [:]
    /// Prompt directories holding recorded audio (`MediaReference.root`).
    var mediaRoots: [String] = []
    /// `root/language/file size` of every recorded file used, for the version.
    var audioListing: [String] = []
    /// Candidate comparisons left for "did you mean" hints: thousands of
    /// unknown names against huge catalogs stay bounded (later diagnostics
    /// then come without a hint).
    var suggestionBudget = 5_000_000
    var suggestionIndexes: [String: SuggestionIndex] = [:]
    /// Articles already checked for every language (`knowledge/article`).
    var checkedArticles = Set<String>()

    init(options: CompileOptions) { self.options = options }

    var files: FileSource { options.files }

    func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : (options.workingDirectory as NSString).appendingPathComponent(path)
        return (full as NSString).standardizingPath
    }

    /// The reference to a prompt's recorded audio in one catalog, if any.
    func media(_ key: String, catalog: PromptCatalog, directory: String) -> MediaReference? {
        guard let found = catalog.audio(for: key, files: files) else { return nil }
        let root = mediaRoots.firstIndex(of: directory) ?? {
            mediaRoots.append(directory)
            return mediaRoots.count - 1
        }()
        audioListing.append("\(root)/\(catalog.language)/\(found.file) \(found.size)")
        return MediaReference(root: root, language: catalog.language, prompt: key, file: found.file, format: found.format)
    }

    /// " (did you mean 'x'?)" from a candidate set kept under `cacheKey`
    /// (built on first use), within the compilation's budget.
    func suggestion(for word: String, cacheKey: String, _ candidates: () -> [String]) -> String? {
        if let index = suggestionIndexes[cacheKey] {
            guard suggestionBudget >= index.count else { return nil }
            suggestionBudget -= index.count
            return index.closest(to: word)
        }
        let list = candidates()
        guard suggestionBudget >= list.count else { return nil }
        suggestionBudget -= list.count
        let index = SuggestionIndex(list)
        suggestionIndexes[cacheKey] = index
        return index.closest(to: word)
    }

    /// How diagnostics name a file: relative to the working directory when inside it.
    func display(_ absolutePath: String) -> String {
        DisplayPath.relative(absolutePath, to: options.workingDirectory)
    }

    func run(topPath: String) -> CompileResult {
        let top = loadUnits(path: absolute(topPath))
        guard let top, let flowFile = units.first?.file else {
            return CompileResult(machine: nil, tables: DataTables(), diagnostics: bag.diagnostics.normalized(),
                                 flowName: "", isSubflow: false, languages: [])
        }
        machineLanguages = flowFile.languages.map(\.value)
        for index in units.indices { loadResources(unit: index) }
        let lowering = Lowering(compilation: self)
        lowering.run()
        var machine = Machine(version: "", languages: machineLanguages,
                              flows: lowering.flows, states: states, prompts: prompts,
                              schedules: schedules, knowledgeBases: knowledgeBases,
                              maxSteps: flowFile.defaults.maxSteps?.value ?? FlowVocabulary.Defaults.maxSteps)
        for unit in units {
            for input in unit.file.inputs.map(\.value) where !machine.inputs.contains(input) { machine.inputs.append(input) }
        }
        let callSites = MachineGraph.callSites(machine)
        bag.add(contentsOf: CyclePass.run(machine: machine, callSites: callSites))
        // A broken transition cuts the graph: "never reached" warnings would
        // mostly be its echo, so they wait until the errors are fixed.
        if !bag.hasErrors {
            bag.add(contentsOf: ReachabilityPass.run(machine: machine, callSites: callSites))
        }
        for unit in units {
            bag.add(contentsOf: StateNamePass.run(unit.file))
            bag.add(contentsOf: EntryLengthPass.run(unit.file))
        }
        // What each flow's states mention, gathered once for both passes.
        let walks = units.map { DeclWalk($0.file) }
        bag.add(contentsOf: VariablePass(compilation: self, walks: walks).run())
        bag.add(contentsOf: RecordFieldPass(compilation: self, walks: walks).run())
        machine.mediaRoots = mediaRoots
        machine.version = FlowCompiler.version(sources: sources, audio: audioListing)
        let diagnostics = bag.diagnostics.normalized()
        var result = CompileResult(machine: diagnostics.hasErrors ? nil : machine,
                                   tables: units[top].tables ?? DataTables(),
                                   diagnostics: diagnostics,
                                   flowName: flowFile.name?.value ?? "",
                                   isSubflow: flowFile.isSubflow,
                                   languages: machineLanguages)
        result.promptDirectory = units[top].promptDirectory
        return result
    }

    /// Parses a flow file and the sub-flows its `call` states name, depth
    /// first in the order written, with a stack of its own (a chain of
    /// sub-flows cannot exhaust the call stack). Returns the top unit's index.
    func loadUnits(path: String) -> Int? {
        var pending: [(path: String, callerMark: SourceMark?, callerLanguages: [String]?)] = [(path, nil, nil)]
        var top: Int?
        while let next = pending.popLast() {
            let (index, calls) = loadUnit(path: next.path, callerMark: next.callerMark, callerLanguages: next.callerLanguages)
            if next.callerMark == nil { top = index }
            pending += calls.reversed()
        }
        return top
    }

    /// Parses one flow file; returns its unit's index (each file is loaded
    /// once) and the sub-flows its `call` states name, not yet loaded.
    func loadUnit(path: String, callerMark: SourceMark?, callerLanguages: [String]?)
        -> (Int?, [(path: String, callerMark: SourceMark?, callerLanguages: [String]?)]) {
        if let existing = unitByPath[path] {
            checkLanguages(unit: existing, callerMark: callerMark, callerLanguages: callerLanguages)
            return (existing, [])
        }
        let document: YAMLDocument?
        if let inline = inlineTop, inline.path == path {
            document = YAMLDocument.parse(text: inline.text, file: display(path), into: bag)
        } else if let callerMark, !files.fileExists(atPath: path) {
            bag.report(.noSuchFlowFile(display(path)), at: callerMark)
            return (nil, [])
        } else {
            document = YAMLDocument.load(path: path, displayName: display(path), files: files, into: bag)
        }
        guard let document else { return (nil, []) }
        sources.append(document.text)
        bag.add(contentsOf: CommentedOptionPass.run(text: document.text, file: document.file))
        let parser = FlowParser(reader: NodeReader(file: document.file, bag: bag))
        guard let file = parser.parse(document, path: path) else { return (nil, []) }
        let directory = (path as NSString).deletingLastPathComponent
        let index = units.count
        let base = units.reduce(0) { $0 + $1.file.states.count }
        let isTop = units.isEmpty
        let flowName = file.name?.value ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var unit = CompilationUnit(file: file, absolutePath: path, directory: directory,
                                   promptDirectory: promptDirectory(for: file, directory: directory),
                                   base: base,
                                   traceName: isTop ? { $0 } : { "\(flowName)/\($0)" })
        for (offset, state) in file.states.enumerated() where unit.stateIndex[state.name] == nil {
            unit.stateIndex[state.name] = base + offset
        }
        units.append(unit)
        unitByPath[path] = index
        checkLanguages(unit: index, callerMark: callerMark, callerLanguages: callerLanguages)
        var calls: [(path: String, callerMark: SourceMark?, callerLanguages: [String]?)] = []
        for state in file.states {
            if case .call(let target, _) = state.kind {
                let subPath = ((directory as NSString).appendingPathComponent(target.value) as NSString).standardizingPath
                calls.append((subPath, target.mark, file.languages.map(\.value)))
            }
        }
        return (index, calls)
    }

    func promptDirectory(for file: FlowFile, directory: String) -> String {
        if let given = options.promptsDirectory { return absolute(given) }
        if let key = file.prompts {
            return ((directory as NSString).appendingPathComponent(key.value) as NSString).standardizingPath
        }
        return (((directory as NSString).deletingLastPathComponent as NSString).appendingPathComponent("Prompts") as NSString).standardizingPath
    }

    /// A sub-flow must declare every language of the flow that calls it.
    func checkLanguages(unit: Int, callerMark: SourceMark?, callerLanguages: [String]?) {
        guard let callerMark, let callerLanguages else { return }
        let declared = Set(units[unit].file.languages.map(\.value))
        let missing = callerLanguages.filter { !declared.contains($0) }
        if !missing.isEmpty {
            let name = units[unit].file.name?.value ?? display(units[unit].absolutePath)
            bag.report(.subflowMissingLanguages(name, missing: missing), at: callerMark)
        }
    }

    /// Prompt catalogs and data tables of one unit.
    func loadResources(unit index: Int) {
        let unit = units[index]
        for language in unit.file.languages {
            if let catalog = PromptCatalog.load(directory: unit.promptDirectory, language: language.value,
                                                display: display, mark: language.mark, files: files, bag: bag,
                                                sources: &sources) {
                units[index].catalogs[language.value] = catalog
            }
        }
        if let knowledge = unit.file.knowledge {
            let path = ((unit.directory as NSString).appendingPathComponent(knowledge.value) as NSString).standardizingPath
            if let existing = knowledgeByPath[path] {
                units[index].knowledge = existing
            } else if !files.fileExists(atPath: path) {
                bag.report(.noSuchKnowledgeBase(display(path)), at: knowledge.mark)
            } else if let base = KnowledgeBaseParser.load(path: path, display: display(path), files: files, bag: bag, sources: &sources) {
                knowledgeByPath[path] = knowledgeBases.count
                units[index].knowledge = knowledgeBases.count
                knowledgeBases.append(base)
            }
        }
        if let data = unit.file.data {
            let path = ((unit.directory as NSString).appendingPathComponent(data.value) as NSString).standardizingPath
            if !files.fileExists(atPath: path) {
                bag.report(.noSuchDataFile(display(path)), at: data.mark)
            } else {
                units[index].tables = DataTables.load(path: path, display: display, files: files, bag: bag, sources: &sources)
            }
        }
    }
}
