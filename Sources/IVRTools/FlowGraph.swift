import IVRCore
/// Draws a machine as Graphviz DOT or Mermaid: every state a node shaped by
/// its kind, every transition an edge labelled with its key or condition
/// (no-input and no-match as their own dashed loops, on_failure dotted), the
/// ends (transfers, hangups) as end nodes, sub-flows as clusters.
public struct FlowGraph {
    public enum Format: String, Sendable, CaseIterable {
        case dot, mermaid
    }

    public struct Node: Equatable {
        public var id: String
        public var label: String
        public var shape: Shape
        public var flow: Int
    }

    public enum Shape: Equatable {
        case say, menu, ask, branch, set, lookup, answer, call, `return`, transfer, hangup, back
    }

    public enum Style: Equatable {
        case normal, failure, loop
    }

    public struct Edge: Equatable {
        public var from: String
        public var to: String
        public var label: String
        public var style: Style
    }

    public let machine: Machine
    public private(set) var nodes: [Node] = []
    public private(set) var edges: [Edge] = []

    public init(_ machine: Machine) {
        self.machine = machine
        build()
    }

    static func id(_ state: Int) -> String { "s\(state)" }

    private mutating func build() {
        var ends: [String: Node] = [:]
        var endOrder: [String] = []
        func end(_ label: String, _ shape: Shape, flow: Int) -> String {
            let id = "end_" + String(label.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) ? Character($0) : "_" })
            if ends[id] == nil {
                ends[id] = Node(id: id, label: label, shape: shape, flow: flow)
                endOrder.append(id)
            }
            return id
        }
        func connect(_ state: Int, _ transition: Machine.Transition, _ label: String, _ style: Style = .normal) {
            connect(from: Self.id(state), flow: machine.states[state].flow, transition, label, style)
        }
        func connect(from: String, flow: Int, _ transition: Machine.Transition, _ label: String, _ style: Style = .normal) {
            switch transition.target {
            case .state(let target): edges.append(Edge(from: from, to: Self.id(target), label: label, style: style))
            case .repeat: edges.append(Edge(from: from, to: from, label: label.isEmpty ? "repeat" : "\(label) (repeat)", style: .loop))
            case .back: edges.append(Edge(from: from, to: end("back", .back, flow: flow), label: label, style: style))
            case .restart: edges.append(Edge(from: from, to: Self.id(machine.start), label: label.isEmpty ? "restart" : "\(label) (restart)", style: style))
            case .transfer(let target): edges.append(Edge(from: from, to: end("transfer: \(target)", .transfer, flow: 0), label: label, style: style))
            case .hangup(let outcome): edges.append(Edge(from: from, to: end("hangup: \(outcome)", .hangup, flow: 0), label: label, style: style))
            }
        }
        func failures(_ state: Int, _ prompting: Machine.Prompting) {
            edges.append(Edge(from: Self.id(state), to: Self.id(state), label: "no-input", style: .loop))
            edges.append(Edge(from: Self.id(state), to: Self.id(state), label: "no-match", style: .loop))
            connect(state, prompting.onFailure, "on_failure", .failure)
        }
        let callSites = MachineGraph.callSites(machine)
        for (index, state) in machine.states.enumerated() {
            let short = state.flow == 0 ? state.name : String(state.name.split(separator: "/").last ?? "")
            let shape: Shape
            switch state.kind {
            case .say(_, let next):
                shape = .say
                connect(index, next, "")
            case .menu(let menu):
                shape = .menu
                for key in menu.options.keys { if let transition = menu.options[key] { connect(index, transition, key.description) } }
                failures(index, menu.prompting)
            case .ask(let ask):
                shape = .ask
                for key in ask.options.keys { if let transition = ask.options[key] { connect(index, transition, key.description) } }
                connect(index, ask.next, "entry")
                failures(index, ask.prompting)
            case .answer(let answer):
                shape = .answer
                for key in answer.afterOptions.keys {
                    if let transition = answer.afterOptions[key] { connect(index, transition, "after \(key)") }
                }
                failures(index, answer.prompting)
            case .branch(let cases, let otherwise):
                shape = .branch
                for item in cases { connect(index, item.transition, item.label) }
                connect(index, otherwise, "else")
            case .set(_, let next):
                shape = .set
                connect(index, next, "")
            case .lookup(let lookup):
                shape = .lookup
                connect(index, lookup.found, "found")
                connect(index, lookup.notFound, "not found", .failure)
            case .call(let start, _):
                shape = .call  // its next is drawn from the sub-flow's return
                edges.append(Edge(from: Self.id(index), to: Self.id(start), label: "call", style: .normal))
            case .return:
                shape = .return
                for site in callSites[state.flow] ?? [] {
                    if case .call(_, let next) = machine.states[site].kind { connect(index, next, "return") }
                }
            case .transfer(let target, _, let onFail):
                shape = .transfer
                nodes.append(Node(id: Self.id(index), label: "\(short)\ntransfer: \(target)", shape: shape, flow: state.flow))
                if let onFail { connect(index, onFail, "on_fail", .failure) }
                continue
            case .hangup(let outcome, _):
                shape = .hangup
                nodes.append(Node(id: Self.id(index), label: "\(short)\nhangup: \(outcome)", shape: shape, flow: state.flow))
                continue
            }
            nodes.append(Node(id: Self.id(index), label: short, shape: shape, flow: state.flow))
        }
        for (flow, info) in machine.flows.enumerated() {
            for key in info.global.keys {
                guard let transition = info.global[key] else { continue }
                let id = "global\(flow)"
                if !nodes.contains(where: { $0.id == id }) {
                    nodes.append(Node(id: id, label: "any menu", shape: .menu, flow: flow))
                }
                connect(from: id, flow: flow, transition, "global \(key)")
            }
        }
        nodes += endOrder.compactMap { ends[$0] }
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .dot: return dot()
        case .mermaid: return mermaid()
        }
    }

    // MARK: - Graphviz

    static func dotShape(_ shape: Shape) -> String {
        switch shape {
        case .say: return "box, style=rounded"
        case .menu: return "hexagon"
        case .ask: return "parallelogram"
        case .branch: return "diamond"
        case .set: return "note"
        case .lookup: return "cylinder"
        case .answer: return "tab"
        case .call: return "component"
        case .return: return "circle"
        case .transfer: return "doubleoctagon"
        case .hangup: return "doublecircle"
        case .back: return "plaintext"
        }
    }

    static func dotQuote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    func dot() -> String {
        var lines = ["digraph \(Self.dotQuote(machine.flows.first?.name ?? "flow")) {",
                     "  rankdir=LR;",
                     "  node [fontname=\"Helvetica\", fontsize=11];",
                     "  edge [fontname=\"Helvetica\", fontsize=9];"]
        func nodeLine(_ node: Node) -> String {
            "\(node.id) [label=\(Self.dotQuote(node.label)), shape=\(Self.dotShape(node.shape))];"
        }
        for node in nodes where node.flow == 0 { lines.append("  " + nodeLine(node)) }
        for (flow, info) in machine.flows.enumerated() where flow > 0 {
            lines.append("  subgraph cluster_\(flow) {")
            lines.append("    label=\(Self.dotQuote("sub-flow \(info.name)")); style=dashed;")
            for node in nodes where node.flow == flow { lines.append("    " + nodeLine(node)) }
            lines.append("  }")
        }
        lines.append("  start [shape=point];")
        lines.append("  start -> \(Self.id(machine.start));")
        for edge in edges {
            var attributes: [String] = []
            if !edge.label.isEmpty { attributes.append("label=\(Self.dotQuote(edge.label))") }
            switch edge.style {
            case .normal: break
            case .failure: attributes.append("style=dotted")
            case .loop: attributes.append("style=dashed")
            }
            lines.append("  \(edge.from) -> \(edge.to)" + (attributes.isEmpty ? ";" : " [\(attributes.joined(separator: ", "))];"))
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Mermaid

    /// Mermaid labels in quotes, with its entity codes for characters it reads itself.
    static func mermaidText(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\"": result += "#quot;"
            case "#": result += "#35;"
            case "\n": result += "<br/>"
            case "<": result += "#lt;"
            case ">": result += "#gt;"
            default: result.append(character)
            }
        }
        return "\"" + result + "\""
    }

    static func mermaidNode(_ node: Node) -> String {
        let text = mermaidText(node.label)
        switch node.shape {
        case .say, .set: return "\(node.id)[\(text)]"
        case .menu: return "\(node.id){{\(text)}}"
        case .ask: return "\(node.id)[/\(text)/]"
        case .branch: return "\(node.id){\(text)}"
        case .lookup: return "\(node.id)[(\(text))]"
        case .answer, .call: return "\(node.id)[[\(text)]]"
        case .return: return "\(node.id)((\(text)))"
        case .transfer: return "\(node.id)([\(text)])"
        case .hangup: return "\(node.id)(((\(text))))"
        case .back: return "\(node.id)>\(text)]"
        }
    }

    func mermaid() -> String {
        var lines = ["flowchart LR"]
        for node in nodes where node.flow == 0 { lines.append("  " + Self.mermaidNode(node)) }
        for (flow, info) in machine.flows.enumerated() where flow > 0 {
            lines.append("  subgraph flow\(flow)[\(Self.mermaidText("sub-flow \(info.name)"))]")
            for node in nodes where node.flow == flow { lines.append("    " + Self.mermaidNode(node)) }
            lines.append("  end")
        }
        lines.append("  start((( ))) --> \(Self.id(machine.start))")
        for edge in edges {
            let arrow: String
            switch edge.style {
            case .normal: arrow = "-->"
            case .failure, .loop: arrow = "-.->"
            }
            let label = edge.label.isEmpty ? "" : "|\(Self.mermaidText(edge.label))|"
            lines.append("  \(edge.from) \(arrow)\(label) \(edge.to)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
