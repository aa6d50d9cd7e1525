"""Sandbox document management system: edXML messages (QCVN 102:2016) over HTTP and as a drop folder."""
