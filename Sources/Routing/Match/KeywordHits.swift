/// The keyword ids found in one text, each once.
///
/// A complaint holds few, so a short list searched linearly, kept in storage the decision lends
/// (on its stack) and spilling to an array only when that is full: finding keywords allocates
/// nothing in the common case.
struct KeywordHits {
    private let storage: UnsafeMutablePointer<Int32>
    private let capacity: Int
    /// How many ids `storage` holds.
    private var stored = 0
    private var spill: [Int32] = []

    /// Hits kept in `storage` (valid while this value is used) until it is full.
    init(storage: UnsafeMutableBufferPointer<Int32>) {
        self.storage = storage.baseAddress!
        capacity = storage.count
    }

    @inline(__always)
    mutating func insert(_ id: Int32) {
        if contains(id) { return }
        if stored < capacity {
            storage[stored] = id
            stored += 1
        } else {
            spill.append(id)
        }
    }

    @inline(__always)
    func contains(_ id: Int32) -> Bool {
        var index = 0
        while index < stored {
            if storage[index] == id { return true }
            index += 1
        }
        return !spill.isEmpty && spill.contains(id)
    }

    /// The id found `position`-th (`0..<count`).
    @inline(__always)
    subscript(position: Int) -> Int32 {
        position < stored ? storage[position] : spill[position - stored]
    }

    var isEmpty: Bool { stored == 0 }

    /// How many ids.
    var count: Int { stored + spill.count }
}
