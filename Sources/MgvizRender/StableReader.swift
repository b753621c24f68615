@preconcurrency import CGraphviz

/// Reads DOT like agmemread, but numbers named subgraphs in the order they appear.
///
/// cgraph's default ID for a named object is the address of its interned name, and it keeps
/// subgraphs ordered by ID. Dot lays out clusters in that order, so the same DOT came out
/// differently after earlier renders had moved the heap around. These IDs depend on the
/// text alone. Only called with the render lock held, which guards the tables below.
enum StableReader {
    static func read(_ dot: String) -> UnsafeMutablePointer<Agraph_t>? {
        var bytes = Array(dot.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            var source = Source(bytes: buffer, offset: 0)
            subgraphIDs = [:]
            subgraphNames = [:]
            return withUnsafeMutablePointer(to: &source) { source in
                withUnsafeMutablePointer(to: &discipline) { agread(source, $0) }
            }
        }
    }

    private struct Source {
        var bytes: UnsafeMutableBufferPointer<UInt8>
        var offset: Int
    }

    /// IDs for named subgraphs: even (so cgraph treats them as named) and above any address.
    private static let firstID: IDTYPE = 1 << 62
    nonisolated(unsafe) private static var subgraphIDs: [String: IDTYPE] = [:]
    nonisolated(unsafe) private static var subgraphNames: [IDTYPE: UnsafeMutablePointer<CChar>] = [:]

    nonisolated(unsafe) private static var ids = Agiddisc_t(
        open: AgIdDisc.open,
        map: { state, objectType, name, id, create in
            guard objectType == AGRAPH, let name, let id else { return AgIdDisc.map(state, objectType, name, id, create) }
            let key = String(cString: name)
            if let known = subgraphIDs[key] {
                id.pointee = known
                return 1
            }
            guard create != 0, let interned = agstrdup(state?.assumingMemoryBound(to: Agraph_t.self), name) else { return 0 }
            let new = firstID + 2 * IDTYPE(subgraphIDs.count)
            subgraphIDs[key] = new
            subgraphNames[new] = interned
            id.pointee = new
            return 1
        },
        alloc: AgIdDisc.alloc,
        free: { state, objectType, id in
            guard let name = subgraphNames.removeValue(forKey: id) else { return AgIdDisc.free(state, objectType, id) }
            agstrfree(state?.assumingMemoryBound(to: Agraph_t.self), name)
        },
        print: { state, objectType, id in subgraphNames[id] ?? AgIdDisc.print(state, objectType, id) },
        close: AgIdDisc.close,
        idregister: AgIdDisc.idregister)

    nonisolated(unsafe) private static var io = Agiodisc_t(
        afread: { channel, buffer, size in
            guard let channel, let buffer else { return 0 }
            let source = channel.assumingMemoryBound(to: Source.self)
            let count = min(Int(size), source.pointee.bytes.count - source.pointee.offset)
            guard count > 0 else { return 0 }
            UnsafeMutableRawPointer(buffer).copyMemory(
                from: source.pointee.bytes.baseAddress! + source.pointee.offset, byteCount: count)
            source.pointee.offset += count
            return Int32(count)
        },
        putstr: AgIoDisc.putstr,
        flush: AgIoDisc.flush)

    nonisolated(unsafe) private static var discipline = Agdisc_t(
        mem: &AgMemDisc, id: &ids, io: &io)
}
