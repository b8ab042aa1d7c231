/// Warnings for variables that are read (conditions, placeholders in set
/// values, lookup keys and prompt texts) but that nothing ever sets. Sub-flows
/// share the call's variables, so sets anywhere in the machine count.
struct VariablePass {
    static let builtIn = Set(FlowVocabulary.builtInVariables)
    let compilation: Compilation
    /// One walk per unit, in unit order.
    let walks: [DeclWalk]

    func run() -> [Diagnostic] {
        var set = Self.builtIn
        // A flow's inputs are set by whoever starts the call; sub-flows
        // share the call's variables, so any unit's inputs count.
        for unit in compilation.units { unit.file.inputs.forEach { set.insert($0.value) } }
        for walk in walks {
            walk.assignments.forEach { set.insert($0.name.value) }
            walk.saved.forEach { set.insert($0.value) }
        }
        var diagnostics: [Diagnostic] = []
        var reported = Set<String>()
        var variablesOf: [String: [String]] = [:]  // a catalog text's placeholders, parsed once
        for (unit, walk) in zip(compilation.units, walks) {
            var reads: [(name: String, mark: SourceMark)] = []
            for condition in walk.conditions { collect(condition, into: &reads) }
            for template in walk.assignments.map(\.value) + walk.templates {
                reads += Template(template.value).variables.map { ($0, template.mark) }
                diagnostics += Self.unknownFormats(template)
            }
            for read in reads where !set.contains(read.name) {
                let suggestion = compilation.suggestion(for: read.name, cacheKey: "variables") { set.sorted() }
                diagnostics.append(Diagnostic(.variableNeverSet(read.name, suggestion: suggestion), at: read.mark))
            }
            let prompts = walk.prompts.map { ($0, set) } + walk.itemPrompts.map { ($0, set.union(["title", "key"])) }
            for (key, known) in prompts {
                for language in compilation.machineLanguages {
                    guard let entry = unit.catalogs[language]?.entries[key.value] else { continue }
                    let text = entry.value
                    if reported.insert("format\u{0}\(entry.mark)").inserted { diagnostics += Self.unknownFormats(entry) }
                    let variables = variablesOf[text] ?? Template(text).variables
                    variablesOf[text] = variables
                    for name in variables where !known.contains(name) {
                        let id = "\(unit.promptDirectory)\u{0}\(key.value)\u{0}\(name)"
                        guard reported.insert(id).inserted else { continue }
                        diagnostics.append(Diagnostic(.placeholderNeverSet(prompt: key.value, name), at: key.mark))
                    }
                }
            }
        }
        return diagnostics
    }

    /// `{x:money}` is read out literally: an error naming the formats.
    static func unknownFormats(_ text: Located<String>) -> [Diagnostic] {
        Template.unknownFormats(in: text.value).map { item in
            Diagnostic(.unknownPlaceholderFormat(item.format, in: item.placeholder, formats: Template.formats), at: text.mark)
        }
    }

    func collect(_ condition: ConditionDecl, into reads: inout [(name: String, mark: SourceMark)]) {
        switch condition {
        case .equals(let variable, _), .oneOf(let variable, _), .matches(let variable, _),
             .lessThan(let variable, _), .greaterThan(let variable, _), .exists(let variable, _):
            reads.append((Machine.Variable(variable.value).name, variable.mark))
        case .open:
            break
        case .all(let list), .any(let list):
            list.forEach { collect($0, into: &reads) }
        case .not(let inner):
            collect(inner, into: &reads)
        }
    }
}
