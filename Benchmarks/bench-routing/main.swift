import ComplaintCore
import Foundation
import Routing

#if canImport(Glibc)
    import Glibc
#endif

// Decisions per second on one core: the compiled router (one keyword automaton for all rules)
// next to the naive loop a first version would write (every rule in order, every keyword a
// substring search), over the same complaints and the same loaded table, in the same process.
//
//   bench-routing CONFIG_DIR COMPLAINTS_FILE [SECONDS]
//
// CONFIG_DIR holds routing/rules.csv and departments.txt (one department per line, the first
// is the default); COMPLAINTS_FILE holds records separated by U+001E, each "text U+001F district".
// Prints one line: `rules=… keywords=… complaints=… compiled_dps=… naive_dps=… mismatches=…`.

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: bench-routing CONFIG_DIR COMPLAINTS_FILE [SECONDS]\n".utf8))
    exit(64)
}
let directory = URL(fileURLWithPath: arguments[1], isDirectory: true)
let seconds = arguments.count > 3 ? Double(arguments[3]) ?? 3 : 3

let departmentLines = try String(contentsOf: directory.appendingPathComponent("departments.txt"), encoding: .utf8)
    .split(separator: "\n").map(String.init)
let diagnostics = ConfigDiagnostics()
let section = ConfigNode.parse(
    yaml: "routing:\n  tables: [rules]\n  default: { department: \"\(departmentLines[0])\" }\n",
    displayName: "gateway.yaml", diagnostics: diagnostics, environment: [:])
let loadStart = ContinuousClock.now
guard
    let configuration = RoutingLoader.load(
        section: section["routing"], configDirectory: directory, departments: Set(departmentLines))
else {
    for issue in diagnostics.errors.prefix(20) { print(issue) }
    exit(1)
}
let loadTime = ContinuousClock.now - loadStart
let compileStart = ContinuousClock.now
let router = RuleRouter(configuration: configuration)
let compileTime = ContinuousClock.now - compileStart

let received = Date(timeIntervalSince1970: 1_795_000_000)
let complaints: [Complaint] = try String(contentsOfFile: arguments[2], encoding: .utf8)
    .split(separator: "\u{1E}").enumerated().map { index, record in
        let fields = record.split(separator: "\u{1F}", omittingEmptySubsequences: false)
        return Complaint(
            id: "cmp_\(index)", channel: .hotline, receivedAt: received, ingestedAt: received,
            source: .init(adapter: "12345"), text: TextNormalizer.normalize(String(fields[0])),
            location: .init(district: fields.count > 1 && !fields[1].isEmpty ? String(fields[1]) : nil))
    }

/// The baseline: every rule in order, each keyword a substring search of the folded text.
struct NaiveRouter {
    let rules: [(id: String, department: String?, conditions: [RuleCondition])]
    let fallback: String

    init(_ configuration: RoutingConfiguration) {
        rules = configuration.tables.flatMap(\.rules).map { ($0.id, $0.outcome.department, $0.conditions) }
        fallback = configuration.defaultOutcome.department
    }

    func decide(_ complaint: Complaint) -> String {
        let text = MatchText(complaint.text)
        for rule in rules {
            let holds = rule.conditions.allSatisfy { condition in
                switch condition {
                case .keywordsAny(let keywords): keywords.contains(where: text.contains)
                case .district(let districts): complaint.location.district.map(districts.contains) ?? false
                default: fatalError("the baseline knows keywords_any and district only")
                }
            }
            if holds, let department = rule.department { return department }
        }
        return fallback
    }
}
let naive = NaiveRouter(configuration)

// BENCH_COMPILED_ONLY=1 skips the baseline and the agreement check (for profiling the router alone).
let compiledOnly = ProcessInfo.processInfo.environment["BENCH_COMPILED_ONLY"] == "1"
var mismatches = 0
for complaint in complaints where !compiledOnly && router.decide(complaint).department != naive.decide(complaint) {
    mismatches += 1
}

/// CPU time this thread has used, in seconds: on a shared machine, wall time would count the
/// time other processes held the core.
func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Decisions per CPU-second of `decide` over the complaints, for at least `seconds` of CPU time.
func measure(_ decide: (Complaint) -> Int) -> Double {
    var sink = 0
    for complaint in complaints.prefix(200) { sink &+= decide(complaint) }  // warm-up
    let start = threadCPUSeconds()
    var decisions = 0
    var elapsed = 0.0
    repeat {
        // Borrowed in place: iterating the array would copy each record (retaining every field),
        // a cost of this loop, not of routing.
        complaints.withUnsafeBufferPointer { records in
            for index in records.indices { sink &+= decide(records[index]) }
        }
        decisions += complaints.count
        elapsed = threadCPUSeconds() - start
    } while elapsed < seconds
    if sink == 42 { print("") }  // keeps the work observable
    return Double(decisions) / elapsed
}

let compiled = measure { router.decide($0).department.utf8.count }
let baseline = compiledOnly ? 1 : measure { naive.decide($0).utf8.count }
let keywords = Set(
    configuration.tables.flatMap(\.rules).flatMap(\.conditions).flatMap { condition -> [MatchText] in
        if case .keywordsAny(let list) = condition { return list }
        return []
    }
).count
let averageCharacters = complaints.reduce(0) { $0 + $1.text.count } / max(1, complaints.count)
func milliseconds(_ duration: Duration) -> String {
    let (whole, attoseconds) = duration.components
    return String(format: "%.1f", Double(whole) * 1000 + Double(attoseconds) / 1e15)
}
print(
    "rules=\(configuration.tables.map(\.rules.count).reduce(0, +)) keywords=\(keywords) "
        + "complaints=\(complaints.count) avg_chars=\(averageCharacters) "
        + "compiled_dps=\(Int(compiled)) naive_dps=\(Int(baseline)) mismatches=\(mismatches) "
        + "load_ms=\(milliseconds(loadTime)) compile_ms=\(milliseconds(compileTime)) "
        + "warnings=\(diagnostics.warnings.count)")
