/// Every keyword of every rule in one Aho–Corasick automaton over folded Unicode scalars.
///
/// One pass over a complaint's text finds every keyword it contains, whatever the number of
/// rules, so a decision costs about the same with 10 rules or 10,000. Characters that occur in
/// no keyword map to symbol 0 and send the automaton home.
///
/// The failure links are resolved at build time (a deterministic automaton), so a character
/// costs one transition and never a walk down a failure chain. The transitions are stored as
/// exceptions to the root's dense row: from any state, a symbol leads where it leads from the
/// root unless the state has a longer continuation for it. Those exceptions live in one
/// double array: a state is known by its base offset `b`, its exception for symbol `c` sits in
/// slot `b + c` tagged with owner `b`. A step is then one load and a compare, with no branch.
///
/// Immutable after init; the tables live in manually allocated buffers so the scan loop runs
/// without bounds checks or reference counting.
final class KeywordAutomaton: @unchecked Sendable {
    /// Number of keywords; ids are 0..<count in the order given to init.
    let keywordCount: Int

    /// One entry of the double array: the transition of state `owner` (a base offset; -1: an
    /// empty slot) for the symbol `slot index - owner`, to `target`; one word, read in one load.
    static func slot(owner: Int32, target: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: owner)) | UInt64(UInt32(bitPattern: target)) << 32
    }

    /// BMP scalar → symbol of its folded form (0: in no keyword; ``unfoldedSymbol``: folds to
    /// more than one scalar), in two levels: `symbolBlocks[symbolPages[v >> 6] + v & 63]`.
    /// Folding is in the table, so the scan spends no instructions on case or width. Most
    /// characters of a text are in no keyword and share the one empty block, which stays in the
    /// cache; a flat 64K-entry table would spread them over 128 KB.
    private let symbolPages: UnsafeMutableBufferPointer<UInt32>
    private let symbolBlocks: UnsafeMutableBufferPointer<UInt16>
    /// Symbols of scalars outside the BMP (emoji, rare ideographs): few, so a dictionary.
    private let astralSymbols: [UInt32: Int32]
    /// Root transitions by symbol (0: stay at the root), as target bases; the default row of every state.
    private let rootNext: UnsafeMutableBufferPointer<Int32>
    /// Transitions from other states that differ from the root's (see the type's comment).
    private let slots: UnsafeMutableBufferPointer<UInt64>
    /// For the state with base `b`, its keywords (its own and those down its failure chain) are
    /// `outputs[outputRange[2b]..<outputRange[2b + 1]]`.
    private let outputRange: UnsafeMutableBufferPointer<Int32>
    private let outputs: UnsafeMutableBufferPointer<Int32>

    /// Transition targets carry this bit when the target state ends a keyword (itself or down its
    /// failure chain), so the common step needs no look at the target's outputs.
    static let outputFlag: Int32 = 0x4000_0000

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

        // The trie: the root's children dense, others as small lists.
        var root = [Int32](repeating: 0, count: Int(symbolCount) + 1)
        var children: [[(symbol: Int32, target: Int32)]] = [[]]
        var ends: [Int32] = [-1]
        for (id, keyword) in keywords.enumerated() {
            var state: Int32 = 0
            for value in keyword {
                let sym = symbol(value)
                let next: Int32? =
                    state == 0
                    ? (root[Int(sym)] == 0 ? nil : root[Int(sym)])
                    : children[Int(state)].first { $0.symbol == sym }?.target
                if let next {
                    state = next
                } else {
                    let created = Int32(children.count)
                    children.append([])
                    ends.append(-1)
                    if state == 0 { root[Int(sym)] = created } else { children[Int(state)].append((sym, created)) }
                    state = created
                }
            }
            if ends[Int(state)] < 0 { ends[Int(state)] = Int32(id) }
        }

        // Breadth first: failure links, the full transition function as exceptions to the
        // root's row (a state's trie children over its failure state's exceptions), outputs.
        let count = children.count
        var failure = [Int32](repeating: 0, count: count)
        var exceptions = [[(symbol: Int32, target: Int32)]](repeating: [], count: count)
        var stateOutputs = [[Int32]](repeating: [], count: count)
        var queue: [Int32] = []
        queue.reserveCapacity(count)
        func transition(_ from: Int32, _ sym: Int32) -> Int32 {
            if from != 0, let hit = exceptions[Int(from)].first(where: { $0.symbol == sym }) { return hit.target }
            return root[Int(sym)]
        }
        for target in root where target != 0 {
            queue.append(target)
            stateOutputs[Int(target)] = ends[Int(target)] >= 0 ? [ends[Int(target)]] : []
        }
        var head = 0
        while head < queue.count {
            let state = Int(queue[head])
            head += 1
            var own = children[state]
            for inherited in exceptions[Int(failure[state])]
            where !own.contains(where: { $0.symbol == inherited.symbol }) {
                own.append(inherited)
            }
            exceptions[state] = own
            for (sym, target) in children[state] {
                let fallback = transition(failure[state], sym)
                failure[Int(target)] = fallback
                stateOutputs[Int(target)] =
                    (ends[Int(target)] >= 0 ? [ends[Int(target)]] : []) + stateOutputs[Int(fallback)]
                queue.append(target)
            }
        }

        // Bases: the root is 0; every other state gets a distinct base >= 1 whose slots for its
        // exception symbols are free (first fit, states with the most exceptions first, while
        // the array is still empty; the many with one or none then fill the gaps).
        var base = [Int32](repeating: 0, count: count)
        var used: [Bool] = []
        var baseTaken: [Bool] = [true]
        func grow(_ array: inout [Bool], to index: Int) {
            if array.count <= index { array.append(contentsOf: repeatElement(false, count: index + 1 - array.count)) }
        }
        // `freeLink[i]` leads to the first free slot at or after `i` (union–find with path
        // halving), so the search skips runs of used slots instead of walking them.
        var freeLink: [Int] = []
        func firstFree(from index: Int) -> Int {
            if freeLink.count <= index { freeLink.append(contentsOf: freeLink.count...index) }
            var current = index
            while freeLink[current] != current {
                let next = freeLink[current]
                if next >= freeLink.count { freeLink.append(contentsOf: freeLink.count...next) }
                freeLink[current] = freeLink[next]
                current = next
            }
            return current
        }
        var nextEmptyBase = 1
        let order = (1..<count).sorted { exceptions[$0].count > exceptions[$1].count }
        for state in order {
            let symbols = exceptions[state].map { Int($0.symbol) }.sorted()
            var candidate: Int
            if let lowest = symbols.first {
                candidate = max(1, firstFree(from: 1 + lowest) - lowest)
                while true {
                    // The lowest symbol's slot free first, then the rest and the base itself.
                    candidate = firstFree(from: candidate + lowest) - lowest
                    grow(&used, to: candidate + symbols[symbols.count - 1])
                    grow(&baseTaken, to: candidate)
                    if !baseTaken[candidate] && !symbols.contains(where: { used[candidate + $0] }) { break }
                    candidate += 1
                }
                for sym in symbols {
                    used[candidate + sym] = true
                    _ = firstFree(from: candidate + sym + 1)
                    freeLink[candidate + sym] = candidate + sym + 1
                }
            } else {
                // No exceptions: any base not taken (its slots are never read as its own).
                while nextEmptyBase < baseTaken.count && baseTaken[nextEmptyBase] { nextEmptyBase += 1 }
                candidate = nextEmptyBase
                grow(&baseTaken, to: candidate)
            }
            baseTaken[candidate] = true
            base[state] = Int32(candidate)
        }
        let highestBase = Int(base.max() ?? 0)

        // Flatten into the scan tables; transition targets flag states with outputs.
        func flagged(_ target: Int32) -> Int32 {
            stateOutputs[Int(target)].isEmpty ? base[Int(target)] : base[Int(target)] | Self.outputFlag
        }
        for sym in root.indices where root[sym] != 0 { root[sym] = flagged(root[sym]) }
        var table = [UInt64](
            repeating: Self.slot(owner: -1, target: 0), count: max(used.count, highestBase + Int(symbolCount) + 1))
        for state in 1..<count {
            for (sym, target) in exceptions[state] {
                table[Int(base[state]) + Int(sym)] = Self.slot(owner: base[state], target: flagged(target))
            }
        }
        var ranges = [Int32](repeating: 0, count: 2 * (highestBase + 1))
        var flat: [Int32] = []
        for (state, list) in stateOutputs.enumerated() where !list.isEmpty {
            ranges[2 * Int(base[state])] = Int32(flat.count)
            flat.append(contentsOf: list)
            ranges[2 * Int(base[state]) + 1] = Int32(flat.count)
        }
        // Scalars that fold to another: the symbol of what they fold to. Those that fold to
        // several or to none (invisible characters) take the slow path, which steps through
        // each folded scalar: through none, so the state is kept, as if the character were absent.
        for change in ScalarFold.bmpChanges {
            bmp[Int(change.value)] =
                change.folded.count == 1 && change.folded[0] < 0x10000
                ? bmp[Int(change.folded[0])] : Self.unfoldedSymbol
        }
        var pages = [UInt32](repeating: 0, count: 1024)
        var blocks = [UInt16](repeating: 0, count: 64)
        for page in 0..<1024 where bmp[page << 6..<(page + 1) << 6].contains(where: { $0 != 0 }) {
            pages[page] = UInt32(blocks.count)
            blocks.append(contentsOf: bmp[page << 6..<(page + 1) << 6])
        }
        symbolPages = Self.buffer(pages)
        symbolBlocks = Self.buffer(blocks)
        astralSymbols = astral
        rootNext = Self.buffer(root)
        slots = Self.buffer(table)
        outputRange = Self.buffer(ranges)
        outputs = Self.buffer(flat.isEmpty ? [0] : flat)
    }

    private static func buffer<Element>(_ values: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: values.count)
        _ = buffer.initialize(from: values)
        return buffer
    }

    deinit {
        symbolPages.deallocate()
        symbolBlocks.deallocate()
        rootNext.deallocate()
        slots.deallocate()
        outputRange.deallocate()
        outputs.deallocate()
    }

    /// Feeds `utf8` through the automaton from `state`, folding on the fly, and adds the id of
    /// every keyword found to `found` (each once).
    /// - Returns: the state after the text, to continue with more text.
    func scan(_ utf8: UnsafeBufferPointer<UInt8>, from state: Int32, into found: inout KeywordHits) -> Int32 {
        // The tables as plain pointers in locals: the loop then never reloads them through `self`.
        let tables = Tables(
            pages: UnsafePointer(symbolPages.baseAddress!), blocks: UnsafePointer(symbolBlocks.baseAddress!),
            root: UnsafePointer(rootNext.baseAddress!),
            slots: UnsafePointer(slots.baseAddress!), outputRange: UnsafePointer(outputRange.baseAddress!),
            outputs: UnsafePointer(outputs.baseAddress!))
        guard let bytes = utf8.baseAddress else { return state }
        var current = state
        var index = 0
        let count = utf8.count
        while index < count {
            // Runs of three-byte characters (CJK, full-width punctuation: nearly all of a Chinese
            // complaint) in a loop of their own, with no test for the other lengths.
            while index &+ 3 <= count {
                let lead = bytes[index]
                guard lead & 0xF0 == 0xE0 else { break }
                let page = Int(lead & 0x0F) << 6 | Int(bytes[index &+ 1] & 0x3F)
                let offset = bytes[index &+ 2] & 0x3F
                index &+= 3
                let symbol = tables.symbol(page: page, offset: offset)
                if _slowPath(symbol == Self.unfoldedSymbol) {
                    current = stepFolding(UInt32(page) << 6 | UInt32(offset), from: current, tables, &found)
                } else {
                    current = step(current, symbol: Int32(symbol), tables, &found)
                }
            }
            guard index < count else { break }
            // The scalar's symbol-table page (`value >> 6`) and offset (`value & 63`), taken
            // straight from the UTF-8 bytes.
            let lead = bytes[index]
            let page: Int
            let offset: UInt8
            if lead < 0x80 {
                page = Int(lead >> 6)
                offset = lead & 0x3F
                index &+= 1
            } else if lead & 0xF0 == 0xE0 {
                // Three bytes: CJK, the bulk of Chinese text, and full-width forms.
                page = Int(lead & 0x0F) << 6 | Int(bytes[index &+ 1] & 0x3F)
                offset = bytes[index &+ 2] & 0x3F
                index &+= 3
            } else if lead < 0xE0 {
                page = Int(lead & 0x1F)
                offset = bytes[index &+ 1] & 0x3F
                index &+= 2
            } else {
                // Four bytes (emoji, rare ideographs): outside the table.
                let value =
                    UInt32(lead & 0x07) << 18 | UInt32(bytes[index &+ 1] & 0x3F) << 12
                    | UInt32(bytes[index &+ 2] & 0x3F) << 6 | UInt32(bytes[index &+ 3] & 0x3F)
                index &+= 4
                current = stepFolding(value, from: current, tables, &found)
                continue
            }
            let symbol = tables.symbol(page: page, offset: offset)
            if _slowPath(symbol == Self.unfoldedSymbol) {
                current = stepFolding(UInt32(page) << 6 | UInt32(offset), from: current, tables, &found)
            } else {
                current = step(current, symbol: Int32(symbol), tables, &found)
            }
        }
        return current
    }

    /// The symbol of a BMP scalar that folds to several scalars (`İ` to `i` + U+0307) or to none
    /// (U+200B): the scan folds it with ``ScalarFold`` and steps through each.
    static let unfoldedSymbol: UInt16 = 0xFFFF

    /// Folds `value` with ``ScalarFold`` (one or more scalars) and steps through each.
    @inline(never)
    private func stepFolding(_ value: UInt32, from state: Int32, _ tables: Tables, _ found: inout KeywordHits) -> Int32
    {
        var current = state
        ScalarFold.fold(value) { folded in
            // A folded scalar folds to itself, so its table entry is its own symbol.
            let symbol =
                folded < 0x10000
                ? Int32(tables.symbol(page: Int(folded >> 6), offset: UInt8(folded & 63)))
                : astralSymbols[folded] ?? 0
            current = step(current, symbol: symbol == Int32(Self.unfoldedSymbol) ? 0 : symbol, tables, &found)
        }
        return current
    }

    /// Base pointers of the scan tables.
    private struct Tables {
        /// Where each page's block starts in `blocks` (a multiple of 64).
        let pages: UnsafePointer<UInt32>
        let blocks: UnsafePointer<UInt16>
        let root: UnsafePointer<Int32>
        let slots: UnsafePointer<UInt64>
        let outputRange: UnsafePointer<Int32>
        let outputs: UnsafePointer<Int32>

        /// The symbol of the BMP scalar `page << 6 | offset`.
        @inline(__always)
        func symbol(page: Int, offset: UInt8) -> UInt16 {
            blocks[Int(pages[page]) | Int(offset)]
        }
    }

    /// One transition from the state with base `state` (unflagged) on `symbol` (0: in no keyword).
    @inline(__always)
    private func step(_ state: Int32, symbol: Int32, _ tables: Tables, _ found: inout KeywordHits) -> Int32 {
        let fromRoot = tables.root[Int(symbol)]
        // One 64-bit load of (owner, target), selected by value: no second dependent load.
        let entry = tables.slots[Int(state) &+ Int(symbol)]
        var next =
            UInt32(truncatingIfNeeded: entry) == UInt32(bitPattern: state)
            ? Int32(truncatingIfNeeded: entry >> 32) : fromRoot
        if _fastPath(next & Self.outputFlag == 0) { return next }
        next &= ~Self.outputFlag
        report(next, into: &found)
        return next
    }

    /// Adds the keywords the state with base `state` ends to `found`. Out of line: the scan loop
    /// then keeps its state and pointers in registers rather than saving them around the calls.
    @inline(never)
    private func report(_ state: Int32, into found: inout KeywordHits) {
        var output = Int(outputRange[2 * Int(state)])
        let end = Int(outputRange[2 * Int(state) + 1])
        while output < end {
            found.insert(outputs[output])
            output += 1
        }
    }
}
