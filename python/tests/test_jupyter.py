"""mgviz.show in a real notebook: a notebook is executed by nbclient on an IPython kernel, as
Jupyter runs it, and its output cells are read back. Jupyter's and IPython's folders (runtime,
data, config, profile) are all in the test's temp folder."""

import html

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

CELLS = [
    "import mgviz\nfrom micrograd.engine import Value",
    "a = Value(3.0)\nb = a * a\nc = b + b\nc.backward()\nprint(a.grad)",
    "mgviz.show(c, names={'a': a, 'b': b, 'c': c})",
    "mgviz.show(c, names={'a': a, 'b': b, 'c': c}, format='svg')",
]


def test_a_notebook_shows_the_page_inline_with_its_svg(mgviz_binary, monkeypatch, tmp_path):
    monkeypatch.setenv("MGVIZ", mgviz_binary)
    for name, folder in [("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_CONFIG_DIR", "config"), ("IPYTHONDIR", "ipython")]:
        monkeypatch.setenv(name, str(tmp_path / folder))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in CELLS])
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    printed, page, svg_only = (cell.outputs for cell in notebook.cells[1:])

    # micrograd's numbers: c = 2a², so dc/da = 4a = 12.
    assert [output.get("text") for output in printed] == ["12.0\n"]

    # The page, in an iframe whose srcdoc is the whole page; the SVG beside it.
    assert [output.output_type for output in page] == ["execute_result"]
    data = page[0].data
    assert sorted(data) == ["image/svg+xml", "text/html", "text/plain"]
    frame = data["text/html"]
    assert frame.startswith('<iframe srcdoc="') and "height: 640px" in frame
    srcdoc = html.unescape(frame[len('<iframe srcdoc="'):frame.index('" style=')])
    assert srcdoc.startswith("<!DOCTYPE html>") and srcdoc.rstrip().endswith("</html>")
    assert 'id="mgviz-page"' in srcdoc and 'id="mgviz-backward"' in srcdoc and "<script>" in srcdoc
    svg = data["image/svg+xml"]
    assert "<svg" in svg and svg.rstrip().endswith("</svg>")
    # Both drawn from the same graph: a's label and its grad, 12, are in each.
    assert ">a<" in svg and "grad 12.0000" in svg
    assert '"a"' in srcdoc
    assert data["text/plain"].startswith("<mgviz.Page: ")

    # format="svg": today's behaviour, the SVG alone.
    assert [output.output_type for output in svg_only] == ["execute_result"]
    assert sorted(svg_only[0].data) == ["image/svg+xml", "text/plain"]
    assert svg_only[0].data["image/svg+xml"] == svg
