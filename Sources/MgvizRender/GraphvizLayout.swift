@preconcurrency import CGraphviz

/// A layout as libgvc computed it: each node's centre and size, each edge's spline, in points,
/// with y growing downwards as on a screen (Graphviz's own y grows upwards from the bottom of
/// the drawing).
///
/// Read from the laid-out graph itself, at full precision. Graphviz's `plain` output, which
/// this once read, prints positions with `%.5g` in inches: 0.72 pt apart past 1,000 inches,
/// 7.2 pt past 10,000, so the far end of a 10,000-value chain had zero-length edges and
/// overlapping nodes.
package struct GraphvizLayout: Sendable {
    package struct Node: Sendable {
        package var name: String
        /// The centre.
        package var x, y: Double
        package var width, height: Double
    }

    package struct Edge: Sendable {
        package var tail, head: String
        /// The spline's control points: a start, then three for each cubic Bézier piece.
        package var points: [(x: Double, y: Double)]
        /// Where its label's centre is, when it has one.
        package var label: (x: Double, y: Double)?
    }

    package var width, height: Double
    package var nodes: [Node]
    /// In the order `plain` listed them: by tail, in the order of the nodes, and for one tail
    /// in the DOT's order.
    package var edges: [Edge]

    /// Points in an inch.
    static let pointsPerInch = 72.0

    /// Reads `graph`'s layout. Call only after gvLayout succeeded on it, and before
    /// gvFreeLayout, with the render lock held.
    init(laidOut graph: UnsafeMutablePointer<Agraph_t>) {
        let corner = mgviz_drawing_top_right(graph)
        width = corner.x
        height = corner.y
        nodes = []
        edges = []
        let top = height
        func screen(_ point: pointf) -> (x: Double, y: Double) { (point.x, top - point.y) }
        var node = agfstnode(graph)
        while let current = node {
            defer { node = agnxtnode(graph, current) }
            if mgviz_is_cluster_node(current) { continue }
            let centre = screen(mgviz_node_centre(current))
            nodes.append(Node(
                name: Self.name(of: current), x: centre.x, y: centre.y,
                width: mgviz_node_width(current) * Self.pointsPerInch, height: mgviz_node_height(current) * Self.pointsPerInch))
        }
        node = agfstnode(graph)
        while let tail = node {
            defer { node = agnxtnode(graph, tail) }
            var edge = agfstout(graph, tail)
            while let current = edge {
                defer { edge = agnxtout(graph, current) }
                var points: [(x: Double, y: Double)] = []
                for piece in 0..<mgviz_edge_pieces(current) {
                    for point in 0..<mgviz_edge_piece_points(current, piece) {
                        points.append(screen(mgviz_edge_point(current, piece, point)))
                    }
                }
                var centre = pointf()
                edges.append(Edge(
                    tail: Self.name(of: mgviz_edge_tail(current)), head: Self.name(of: mgviz_edge_head(current)), points: points,
                    label: mgviz_edge_label_centre(current, &centre) ? screen(centre) : nil))
            }
        }
    }

    private static func name(of node: UnsafeMutablePointer<Agnode_t>?) -> String {
        guard let node, let name = agnameof(UnsafeMutableRawPointer(node)) else { return "" }
        return String(cString: name)
    }
}
