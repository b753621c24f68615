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
                agread(source, discipline)
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

    /// Graphviz's default discipline but for reading from `Source` and the subgraph IDs,
    /// made once (by the shim, whose copy of the defaults fits every Graphviz version) and
    /// kept for the life of the process.
    nonisolated(unsafe) private static let discipline: UnsafeMutablePointer<Agdisc_t> = {
        let discipline = UnsafeMutablePointer<Agdisc_t>.allocate(capacity: 1)
        let ids = UnsafeMutablePointer<Agiddisc_t>.allocate(capacity: 1)
        let io = UnsafeMutablePointer<Agiodisc_t>.allocate(capacity: 1)
        mgviz_make_discipline(
            discipline, ids, io,
            { state, objectType, name, id, create in
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
            { state, objectType, id in
                guard let name = subgraphNames.removeValue(forKey: id) else { return AgIdDisc.free(state, objectType, id) }
                _ = mgviz_strfree(state?.assumingMemoryBound(to: Agraph_t.self), name)
            },
            { state, objectType, id in subgraphNames[id] ?? AgIdDisc.print(state, objectType, id) },
            { channel, buffer, size in
                guard let channel, let buffer else { return 0 }
                let source = channel.assumingMemoryBound(to: Source.self)
                let count = min(Int(size), source.pointee.bytes.count - source.pointee.offset)
                guard count > 0 else { return 0 }
                UnsafeMutableRawPointer(buffer).copyMemory(
                    from: source.pointee.bytes.baseAddress! + source.pointee.offset, byteCount: count)
                source.pointee.offset += count
                return Int32(count)
            })
        return discipline
    }()
}
