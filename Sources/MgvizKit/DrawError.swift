import MgvizExport
import MgvizFiles
import MgvizRender
import MgvizSpec

/// Why a drawing could not be made, with what the caller needs to say so: the counts, the
/// limits, the names. The command words each case (Sources/mgviz/Messages.swift).
public enum DrawError: Error, Sendable {
    /// The spec could not be read or evaluated, with where in it.
    case spec(SpecError)
    /// An option is out of its range.
    case invalidOption(InvalidOption)
    /// A spec's `expect` has grads, but `showsGradients` is false.
    case gradsWithoutBackward
    /// `checksGradients` was asked of a dump, which has no expressions to evaluate again.
    case checkNeedsSpec
    /// A backward ledger was asked of a dump without grads, which has no backward to replay.
    case explainNeedsGrads
    /// A gradient check's inputs × nodes (`GradientCheck.work`) is over `DrawOptions.maximumCheckWork`.
    case checkTooCostly(inputs: Int, nodes: Int, maximum: Int)
    /// An explanation of backward would have more lines than `DrawOptions.maximumExplanationLines`.
    case explanationTooLong(lines: Int, maximum: Int)
    /// `Theme.auto` for a bitmap or PDF, which cannot follow the reader's preference.
    case autoThemeNeedsSVG(OutputFormat)
    /// `focus` names no node, or names several.
    case focus(FocusError)
    /// A plate could not be drawn as asked: the graph is no batch, or has no such example.
    case plate(PlateRefusal)
    /// More values than `DrawOptions.maximumNodes` for a format that needs a layout.
    case tooManyNodes(count: Int, maximum: Int, format: OutputFormat)
    /// `LayoutCost` expects dot to take too long; `canCollapse` when collapsing the model's
    /// neurons would help.
    case tooCostlyToLayOut(LayoutCost, canCollapse: Bool)
    /// The PNG's pixel cap would bring it below `DrawOptions.minimumUsefulDotsPerInch`.
    case resolutionTooLow(dotsPerInch: Double, size: BitmapSize)
    /// No format was given and the path's extension names none.
    case unknownFormat(path: String)
    /// Graphviz failed.
    case render(RenderError)
    /// The output file could not be written, or an input read.
    case file(FileError)
    /// A difference was asked with `checksGradients`: it compares two graphs as they are.
    case checkInDifference
    /// A difference was asked with `Coloring.grad`: its fills tell how much each node changed.
    case gradColoringInDifference
    /// `onlyChanged` was asked of a drawing that is no difference.
    case onlyChangedWithoutDifference
    /// `doc.md#name` names no block of the document; `names` are its blocks' names.
    case noSuchBlock(String, document: String, names: [String])
    /// A Markdown document read for one of its blocks is over a limit.
    case markdownLimit(MarkdownLimitError)
    /// The earlier graph of a difference, read from `path` (a Markdown block's `diff=`), could
    /// not be drawn.
    indirect case comparedWith(path: String, DrawError)
    /// A training run's step was asked (1-based, as given) that is no step of the run's
    /// `steps`, or kept no graph; `kept` are the steps (1-based) that did.
    case noGraphAtStep(asked: Double, steps: Int, kept: [Int])
    /// What went wrong with one input of several, named as the command line gives it.
    indirect case named(String, DrawError)
}
