#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One parser under fuzzing: a name (the corpus folder, `FUZZ_TARGET`) and what one input runs.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable ([UInt8]) -> Void

    /// Every target, in the order scripts/fuzz.sh runs them.
    static let all: [FuzzTarget] =
        [
            FuzzTarget(name: "mime", run: MIMETarget.run),
            FuzzTarget(name: "tnef", run: TNEFTarget.run),
            FuzzTarget(name: "rtf", run: RTFTarget.run),
            FuzzTarget(name: "csv", run: HotlineCSVTarget.run),
            FuzzTarget(name: "xlsx", run: WorkbookTarget.run),
        ] + SMSTarget.all + [
            FuzzTarget(name: "config-gateway", run: ConfigTargets.gateway),
            FuzzTarget(name: "config-departments", run: ConfigTargets.departments),
            FuzzTarget(name: "config-hotline", run: ConfigTargets.hotlineProfile),
            FuzzTarget(name: "rules-yaml", run: RuleTableTargets.yaml),
            FuzzTarget(name: "rules-csv", run: RuleTableTargets.csv),
            FuzzTarget(name: "rules-calendar", run: RuleTableTargets.calendar),
            FuzzTarget(name: "json", run: JSONTargets.parser),
            FuzzTarget(name: "api-complaint", run: JSONTargets.apiComplaint),
            FuzzTarget(name: "api-form", run: FormTargets.apiForm),
            FuzzTarget(name: "email-form", run: FormTargets.emailForm),
        ]

    /// The target `FUZZ_TARGET` names; anything else ends the process with the list of names.
    static let selected: FuzzTarget = {
        let name = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
        if let target = all.first(where: { $0.name == name }) { return target }
        let names = all.map(\.name).joined(separator: " ")
        print("FUZZ_TARGET must be one of: \(names) (got \"\(name)\")")
        exit(2)
    }()
}
