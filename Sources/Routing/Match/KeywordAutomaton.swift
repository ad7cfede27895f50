/// Every keyword of every rule in one Aho–Corasick automaton over folded Unicode scalars.
///
/// One pass over a complaint's text finds every keyword it contains, whatever the number of
/// rules, so a decision costs about the same with 10 rules or 10,000. Characters that occur in
/// no keyword map to symbol 0 and send the automaton home; the root's transitions are a dense
/// table; other states keep their few children sorted by symbol.
///
/// Immutable after init; the tables live in manually allocated buffers so the scan loop runs
/// without bounds checks or reference counting.
final class KeywordAutomaton: @unchecked Sendable {
    /// Number of keywords; ids are 0..<count in the order given to init.
    let keywordCount: Int

    struct State {
        var childStart: Int32
        var childEnd: Int32
        var failure: Int32
        /// This state, or the nearest state down its failure chain, that ends a keyword; -1 if none.
        var output: Int32
    }

    /// BMP scalar → symbol (0: in no keyword).
    private let bmpSymbols: UnsafeMutableBufferPointer<UInt16>
    /// Symbols of scalars outside the BMP (emoji, rare ideographs): few, so a dictionary.
    private let astralSymbols: [UInt32: Int32]
    /// Root transitions by symbol (0: stay at the root).
    private let rootNext: UnsafeMutableBufferPointer<Int32>
    private let states: UnsafeMutableBufferPointer<State>
    /// Children of all states as (symbol, target) pairs, each state's run sorted by symbol.
    private let children: UnsafeMutableBufferPointer<Int32>
    /// The keyword a state ends, -1 if none.
    private let keywordAt: UnsafeMutableBufferPointer<Int32>

    /// Builds the automaton; `keywords` are folded scalar sequences, none empty.
    init(keywords: [[UInt32]]) {
        keywordCount = keywords.count
        // Symbols: BMP scalars first, so they fit UInt16.
        var bmp = [UInt16](repeating: 0, count: 65_536)
        var astral: [UInt32: Int32] = [:]
        var symbolCount: Int32 = 0
        for value in keywords.joined() where value < 0x10000 && bmp[Int(value)] == 0 {
            symbolCount += 1
            bmp[Int(value)] = UInt16(symbolCount)
        }
        for value in keywords.joined() where value >= 0x10000 && astral[value] == nil {
            symbolCount += 1
            astral[value] = symbolCount
        }
        func symbol(_ value: UInt32) -> Int32 { value < 0x10000 ? Int32(bmp[Int(value)]) : astral[value]! }

        // The trie: the root's children dense, others as small lists while building.
        var root = [Int32](repeating: 0, count: Int(symbolCount) + 1)
        var lists: [[(symbol: Int32, target: Int32)]] = [[]]
        var ends: [Int32] = [-1]
        for (id, keyword) in keywords.enumerated() {
            var state: Int32 = 0
            for value in keyword {
                let sym = symbol(value)
                let next: Int32?
                if state == 0 {
                    next = root[Int(sym)] == 0 ? nil : root[Int(sym)]
                } else {
                    next = lists[Int(state)].first { $0.symbol == sym }?.target
                }
                if let next {
                    state = next
                } else {
                    let created = Int32(lists.count)
                    lists.append([])
                    ends.append(-1)
                    if state == 0 { root[Int(sym)] = created } else { lists[Int(state)].append((sym, created)) }
                    state = created
                }
            }
            if ends[Int(state)] < 0 { ends[Int(state)] = Int32(id) }
        }

        // Failure and output links, breadth first.
        let count = lists.count
        var failure = [Int32](repeating: 0, count: count)
        var output = [Int32](repeating: -1, count: count)
        var queue: [Int32] = []
        queue.reserveCapacity(count)
        for target in root where target != 0 {
            queue.append(target)
            output[Int(target)] = ends[Int(target)] >= 0 ? target : -1
        }
        func next(_ from: Int32, _ sym: Int32) -> Int32? {
            if from == 0 { return root[Int(sym)] }
            return lists[Int(from)].first { $0.symbol == sym }?.target
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for (sym, target) in lists[Int(state)] {
                var fallback = failure[Int(state)]
                while true {
                    if let found = next(fallback, sym), found != target {
                        failure[Int(target)] = found
                        break
                    }
                    if fallback == 0 { break }
                    fallback = failure[Int(fallback)]
                }
                let inherited = output[Int(failure[Int(target)])]
                output[Int(target)] = ends[Int(target)] >= 0 ? target : inherited
                queue.append(target)
            }
        }

        // Flatten into the scan tables; transition targets flag states with output.
        func flagged(_ target: Int32) -> Int32 { output[Int(target)] >= 0 ? target | Self.outputFlag : target }
        for symbol in root.indices where root[symbol] != 0 { root[symbol] = flagged(root[symbol]) }
        var pairs: [Int32] = []
        var flatStates: [State] = []
        flatStates.reserveCapacity(count)
        for state in 0..<count {
            let start = Int32(pairs.count / 2)
            for (sym, target) in lists[state].sorted(by: { $0.symbol < $1.symbol }) {
                pairs.append(sym)
                pairs.append(flagged(target))
            }
            flatStates.append(
                State(
                    childStart: start, childEnd: Int32(pairs.count / 2), failure: failure[state],
                    output: output[state]))
        }
        bmpSymbols = Self.buffer(bmp)
        astralSymbols = astral
        rootNext = Self.buffer(root)
        children = Self.buffer(pairs.isEmpty ? [0] : pairs)
        states = Self.buffer(flatStates)
        keywordAt = Self.buffer(ends)
    }

    private static func buffer<Element>(_ values: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: values.count)
        _ = buffer.initialize(from: values)
        return buffer
    }

    deinit {
        bmpSymbols.deallocate()
        rootNext.deallocate()
        states.deallocate()
        children.deallocate()
        keywordAt.deallocate()
    }

    /// Feeds `utf8` through the automaton from `state`, folding on the fly, and adds the id of
    /// every keyword found to `found` (each once).
    /// - Returns: the state after the text, to continue with more text.
    func scan(_ utf8: UnsafeBufferPointer<UInt8>, from state: Int32, into found: inout KeywordHits) -> Int32 {
        // The tables as plain pointers in locals: the loop then never reloads them through `self`.
        let tables = Tables(
            bmp: UnsafePointer(bmpSymbols.baseAddress!),
            root: UnsafePointer(rootNext.baseAddress!),
            states: UnsafePointer(states.baseAddress!), children: UnsafePointer(children.baseAddress!),
            keywordAt: UnsafePointer(keywordAt.baseAddress!))
        var current = state
        var index = 0
        let count = utf8.count
        while index < count {
            let lead = utf8[index]
            let value: UInt32
            if lead < 0x80 {
                // ASCII: lowercase inline.
                let ascii = UInt32(lead)
                current = step(current, ascii &- 0x41 < 26 ? ascii | 0x20 : ascii, tables, &found)
                index += 1
                continue
            } else if lead < 0xE0 {
                value = UInt32(lead & 0x1F) << 6 | UInt32(utf8[index + 1] & 0x3F)
                index += 2
            } else if lead < 0xF0 {
                value = UInt32(lead & 0x0F) << 12 | UInt32(utf8[index + 1] & 0x3F) << 6 | UInt32(utf8[index + 2] & 0x3F)
                index += 3
                if value &- 0x3400 < 0xA000 - 0x3400 {
                    // CJK ideographs, the bulk of Chinese text, have no case: no folding to do.
                    current = step(current, value, tables, &found)
                    continue
                }
            } else {
                value =
                    UInt32(lead & 0x07) << 18 | UInt32(utf8[index + 1] & 0x3F) << 12
                    | UInt32(utf8[index + 2] & 0x3F) << 6 | UInt32(utf8[index + 3] & 0x3F)
                index += 4
            }
            ScalarFold.fold(value) { folded in current = step(current, folded, tables, &found) }
        }
        return current
    }

    /// Base pointers of the scan tables.
    private struct Tables {
        let bmp: UnsafePointer<UInt16>
        let root: UnsafePointer<Int32>
        let states: UnsafePointer<State>
        let children: UnsafePointer<Int32>
        let keywordAt: UnsafePointer<Int32>
    }

    /// Transition targets carry this bit when the target state (or its failure chain) ends a
    /// keyword, so the common step needs no look at the target's record.
    static let outputFlag: Int32 = 0x4000_0000

    @inline(__always)
    private func step(_ state: Int32, _ value: UInt32, _ tables: Tables, _ found: inout KeywordHits) -> Int32 {
        let symbol = value < 0x10000 ? Int32(tables.bmp[Int(value)]) : astralSymbols[value] ?? 0
        if symbol == 0 { return 0 }
        var current = state
        var next: Int32
        while true {
            if current == 0 {
                next = tables.root[Int(symbol)]
                break
            }
            let info = tables.states[Int(current)]
            if let target = Self.child(of: info, symbol, tables.children) {
                next = target
                break
            }
            current = info.failure
        }
        if next & Self.outputFlag == 0 { return next }
        next &= ~Self.outputFlag
        var output = tables.states[Int(next)].output
        while output >= 0 {
            found.insert(tables.keywordAt[Int(output)])
            output = tables.states[Int(tables.states[Int(output)].failure)].output
        }
        return next
    }

    @inline(__always)
    private static func child(of info: State, _ symbol: Int32, _ children: UnsafePointer<Int32>) -> Int32? {
        var low = Int(info.childStart)
        var high = Int(info.childEnd)
        while high - low > 8 {
            let middle = (low + high) / 2
            if children[middle * 2] <= symbol { low = middle } else { high = middle }
        }
        while low < high {
            if children[low * 2] == symbol { return children[low * 2 + 1] }
            low += 1
        }
        return nil
    }
}

/// The keyword ids found in one text, each once; a complaint holds few, so a short list.
struct KeywordHits {
    private(set) var ids: [Int32] = []

    @inline(__always)
    mutating func insert(_ id: Int32) {
        if !ids.contains(id) { ids.append(id) }
    }

    @inline(__always)
    func contains(_ id: Int32) -> Bool { ids.contains(id) }
}
