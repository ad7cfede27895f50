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
        i = i &+ 1
        j = j &+ state[Int(i)]
        state.swapAt(Int(i), Int(j))
        return state[Int(state[Int(i)] &+ state[Int(j)])]
    }
}
