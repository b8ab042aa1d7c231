/// How one attempt of a campaign call ended (SPEC 14), as a dialer reports it.
public enum CallResult: String, CaseIterable, Sendable, Hashable, Codable {
    /// A person answered: the flow ran.
    case answered
    /// An answering machine answered: the flow ran with `answered_by: machine`.
    case machine
    case busy
    case noAnswer = "no_answer"
    /// The network or the dialer could not place the call.
    case failed

    /// Answered by a person or a machine: the target is done.
    public var reached: Bool { self == .answered || self == .machine }

    /// As `FlowVocabulary.callResults` lists them (a test holds the two together).
    public static let names = allCases.map(\.rawValue)
}
