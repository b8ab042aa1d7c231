/// Errors for record fields that do not exist: every `{customer.balance}`
/// and `var: customer.tier` read from a lookup's `save_as` is checked
/// against its table's fields (the YAML records' keys, the CSV header, or
/// the lookup's `fields:`). A misspelt field otherwise reads as nothing:
/// a branch takes `else`, a prompt says an empty amount.
struct RecordFieldPass {
    let compilation: Compilation
    /// One walk per unit, in unit order.
    let walks: [DeclWalk]

    func run() -> [Diagnostic] {
        // The fields each record variable can have; nil when some lookup
        // that saves into it has no known fields (a gateway's table).
        var fields: [String: [String]?] = [:]
        var tableNames: [String: String] = [:]
        var setOtherwise = Set<String>()
        for (unit, walk) in zip(compilation.units, walks) {
            walk.assignments.forEach { setOtherwise.insert($0.name.value) }
            for state in unit.file.states {
                if case .ask(let ask) = state.kind, let name = ask.saveAs { setOtherwise.insert(name.value) }
                guard case .lookup(let lookup) = state.kind, let variable = lookup.saveAs?.value, let table = lookup.table?.value else { continue }
                let known: [String]? = lookup.fields.map { $0.map(\.value) } ?? unit.tables?.tables[table]?.fields
                if let known, case .some(.some(let previous)) = fields[variable] {
                    fields[variable] = .some(previous + known.filter { !previous.contains($0) })
                } else if fields[variable] == nil {
                    fields[variable] = .some(known)
                } else {
                    fields[variable] = .some(nil)
                }
                tableNames[variable] = tableNames[variable].map { $0 == table ? $0 : "\($0), \(table)" } ?? table
            }
        }
        var diagnostics: [Diagnostic] = []
        var reported = Set<String>()
        func check(_ variable: String, _ field: String?, at mark: SourceMark) {
            guard let field, !setOtherwise.contains(variable), case .some(.some(let known)) = fields[variable],
                  !known.contains(field), reported.insert("\(mark)\u{0}\(variable).\(field)").inserted else { return }
            diagnostics.append(Diagnostic(.unknownRecordField(variable, field: field, table: tableNames[variable] ?? "", known: known,
                                                              suggestion: Suggestion.closest(to: field, in: known)), at: mark))
        }
        for (unit, walk) in zip(compilation.units, walks) {
            var conditions = walk.conditions
            while let condition = conditions.popLast() {
                switch condition {
                case .equals(let variable, _), .oneOf(let variable, _), .matches(let variable, _),
                     .lessThan(let variable, _), .greaterThan(let variable, _), .exists(let variable, _):
                    let path = Machine.Variable(variable.value)
                    check(path.name, path.field, at: variable.mark)
                case .open: break
                case .all(let list), .any(let list): conditions += list
                case .not(let inner): conditions.append(inner)
                }
            }
            for template in walk.assignments.map(\.value) + walk.templates {
                for piece in Template(template.value).pieces {
                    if case .value(let name, let field, _) = piece { check(name, field, at: template.mark) }
                }
            }
            for key in walk.prompts {
                for language in compilation.machineLanguages {
                    guard let entry = unit.catalogs[language]?.entries[key.value] else { continue }
                    for piece in Template(entry.value).pieces {
                        if case .value(let name, let field, _) = piece { check(name, field, at: entry.mark) }
                    }
                }
            }
        }
        return diagnostics
    }
}
