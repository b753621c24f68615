/// A set of node ids, one bit each: the nodes backward has reached.
struct NodeBits {
    let words: UnsafeMutablePointer<UInt64>

    @inline(__always)
    func insert(_ id: Int) {
        words[id &>> 6] |= 1 &<< UInt64(truncatingIfNeeded: id & 63)
    }

    /// The highest id in the set below `id`, or -1.
    @inline(__always)
    func next(below id: Int) -> Int {
        // Most often it is the id just below, in a chain or a dense graph: a branch the CPU
        // predicts, so that the next visit need not wait for this one's stores to the set.
        if id > 0 && words[(id &- 1) &>> 6] & (1 &<< UInt64(truncatingIfNeeded: (id &- 1) & 63)) != 0 {
            return id &- 1
        }
        return highest(below: id)
    }

    /// The highest id in the set below `id`, or -1: a word at a time.
    @inline(__always)
    func highest(below id: Int) -> Int {
        var index = id &>> 6
        var word = words[index] & ((1 &<< UInt64(truncatingIfNeeded: id & 63)) &- 1)
        while word == 0 {
            index &-= 1
            if index < 0 { return -1 }
            word = words[index]
        }
        return index &<< 6 | (63 &- word.leadingZeroBitCount)
    }
}
