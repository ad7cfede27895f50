/// The RC4 stream cipher: a key stream XORed over the bytes.
struct RC4 {
    private var state: [UInt8] = Array(0...255)
    private var i: UInt8 = 0
    private var j: UInt8 = 0

    init(key: [UInt8]) {
        var j: UInt8 = 0
        for index in 0..<256 {
            j = j &+ state[index] &+ key[index % key.count]
            state.swapAt(index, Int(j))
        }
    }

    mutating func next() -> UInt8 {
        var byte: UInt8 = 0
        run(1) { byte = $0 }
        return byte
    }

    /// Uses up `count` bytes of the key stream.
    mutating func skip(_ count: Int) { run(count) { _ in } }

    /// XORs the key stream over `bytes[range]`, leaving those below `plain` as they are (their
    /// key stream used up all the same).
    mutating func apply(to bytes: inout [UInt8], _ range: Range<Int>, plainBelow plain: Int) {
        bytes.withUnsafeMutableBufferPointer { buffer in
            var index = range.lowerBound
            run(range.count) { key in
                if index >= plain { buffer[index] ^= key }
                index += 1
            }
        }
    }

    /// The next `count` key-stream bytes, each handed to `body`: the state is reached through one
    /// pointer, not an array access checked per byte.
    private mutating func run(_ count: Int, _ body: (UInt8) -> Void) {
        var i = self.i
        var j = self.j
        state.withUnsafeMutableBufferPointer { state in
            let s = state.baseAddress!
            for _ in 0..<count {
                i = i &+ 1
                let si = s[Int(i)]
                j = j &+ si
                let sj = s[Int(j)]
                s[Int(i)] = sj
                s[Int(j)] = si
                body(s[Int(si &+ sj)])
            }
        }
        self.i = i
        self.j = j
    }
}
