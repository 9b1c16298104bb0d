"""Reads an IP-XACT file with PeakRDL-ipxact's importer (an independent
reader, through systemrdl-compiler) and prints one line per register it
understood, array elements unrolled:

    REGISTER|ADDRESS|WIDTH|RESET|FIELD:LSB:MSB:SW,FIELD:LSB:MSB:SW,...

ADDRESS is absolute, RESET is the fields' reset values put together (0 for
fields without one), SW is SystemRDL's software access (r, w, rw, w1, rw1).
Kactus2 writes `<dim>0</dim>` on registers that are not arrays; the
importer makes those arrays of no elements, so they are read here as one
register at the array's address. Exits 3 naming the importer's refusal when
it cannot read the file. Used by codegen/tests/ipxact_crosscheck.rs."""

import sys

from systemrdl import RDLCompiler
from systemrdl.node import RegNode
from peakrdl_ipxact import IPXACTImporter


def line(node, address):
    reset = 0
    fields = []
    for field in sorted(node.fields(), key=lambda f: f.lsb):
        value = field.get_property("reset")
        if isinstance(value, int):
            reset |= value << field.lsb
        sw = field.get_property("sw").name
        fields.append(f"{field.inst_name}:{field.lsb}:{field.msb}:{sw}")
    width = node.get_property("regwidth")
    return f"{node.inst_name}|{address}|{width}|{reset}|{','.join(fields)}"


def main(path):
    compiler = RDLCompiler()
    try:
        IPXACTImporter(compiler).import_file(path)
        root = compiler.elaborate()
    except Exception as error:  # the importer's own refusals
        print(f"unsupported: {type(error).__name__}: {error}", file=sys.stderr)
        return 3
    for node in root.descendants(unroll=True):
        if isinstance(node, RegNode):
            print(line(node, node.absolute_address))
    for node in root.descendants(unroll=False):
        if isinstance(node, RegNode) and node.is_array and 0 in node.array_dimensions:
            print(line(node, node.raw_absolute_address))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
