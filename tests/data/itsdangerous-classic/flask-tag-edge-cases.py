# Flask 3.1.3 TaggedJSONSerializer: the bytes it writes for edge cases, and how it
# reads malformed tagged values. Run: python3 flask-tag-edge-cases.py
import datetime, uuid, json
from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from markupsafe import Markup
app = Flask(__name__)
s = TaggedJSONSerializer()
cases = {
 "di_nested": {" di": {" t": (1,)}},
 "di_of_di": {"x": {" di": " di"}},
 "t_suffix_plain": {" t__": b"a"},
 "two_tag_keys": {" t": (1,), " b": b"x"},
 "bytes_pad": {"e": b"", "a": b"a", "ab": b"ab", "abc": b"abc", "alpha": bytes([0xfb, 0xff])},
 "uuid_upper_in": {"u": uuid.UUID("ABCDEFAB-1234-5678-9ABC-DEF012345678")},
 "dt_micro": {"d": datetime.datetime(2023,11,14,22,13,20,999999)},
 "dt_offset": {"d": datetime.datetime(2023,11,15,0,13,20,tzinfo=datetime.timezone(datetime.timedelta(hours=2)))},
 "dt_pre1970": {"d": datetime.datetime(1969,12,31,23,59,59,500000, tzinfo=datetime.timezone.utc)},
 "dt_year100": {"d": datetime.datetime(100,1,1)},
 "dt_year9999": {"d": datetime.datetime(9999,12,31,23,59,59)},
 "markup_unicode": {"m": Markup("<i>é😀</i>")},
 "keys_codepoint": {"\uff61":1,"\U00010000":2,"z":3,"é":4, "Z": 5},
 "floats": {"f": [1e16, 0.1, -0.0, 1.0, 1.5e-7, 123456789.123, 1e22]},
 "ints": {"i": [2**64-1, -2**63, 0]},
 "controls": {"s": "a\"b\\c\n\t\x00\x7f/</script>"},
 "top_di": {" t": [1]},
 "date_lossy": {"day": datetime.date(2024,1,2)},
}
with app.app_context():
    for k, v in cases.items():
        out = s.dumps(v)
        back = s.loads(out)
        print(k, "|", out, "|", repr(back))
    for text in ['{"d":{" d":"Tue, 14 Nov 2023 22:13:20 GMT"}}', '{"d":{" d":"Mon, 14 Nov 2023 22:13:20 GMT"}}', '{"d":{" d":"garbage"}}', '{"d":{" d":"Fri, 01 Jan 0099 00:00:00 GMT"}}', '{"u":{" u":"ABCDEFAB123456789ABCDEF012345678"}}', '{" di":{"x__":1}}', '{"b":{" b":"YQ"}}']:
        try: print(text, "->", repr(s.loads(text)))
        except Exception as e: print(text, "-> EXC", type(e).__name__, e)
