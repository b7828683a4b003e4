#!/usr/bin/env bash
# Builds the small DICOM fixtures under test/fixtures/dicom/ from one CC BY 4.0 FracAtlas hand radiograph
# in ../shared, with real DICOM tools. Needs Debian's dcmtk and libgdcm-tools, and node.
# Run from the repository root: bash scripts/make-dicom-fixtures.sh
set -euo pipefail

SOURCE_IMAGE=../shared/data/xray/images/fracatlas/IMG0000030.jpg
OUT=test/fixtures/dicom
SIDE=192
[ -f "$SOURCE_IMAGE" ] || { echo "missing $SOURCE_IMAGE: this script needs ../shared" >&2; exit 1; }
for tool in img2dcm dcmdjpeg dcmscale dcmconv dcmodify dcmcjpeg dcmcjpls dcmcrle gdcmconv gdcmimg dcmdump node; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y dcmtk libgdcm-tools)" >&2; exit 1; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
rm -f "$OUT"/*.dcm

# Identity fields are made up; the patient name lets a test check that the decoder never logs it.
IDENTITY=(-k "PatientName=Fixture^Confidential" -k "PatientID=FIXTURE-0001" -k "Modality=CR"
  -k "BodyPartExamined=HAND" -k "ViewPosition=PA" -k "Laterality=L")

# 1. The 8-bit reference: wrap the JPEG, decompress, downscale, write Explicit VR Little Endian.
img2dcm "${IDENTITY[@]}" "$SOURCE_IMAGE" "$WORK/wrapped.dcm"
dcmdjpeg "$WORK/wrapped.dcm" "$WORK/full.dcm"
dcmscale --scale-y-size "$SIDE" "$WORK/full.dcm" "$WORK/small.dcm"
dcmconv +te "$WORK/small.dcm" "$OUT/hand8_explicit_le.dcm"
REF8="$OUT/hand8_explicit_le.dcm"

dcmconv +ti "$REF8" "$OUT/hand8_implicit_le.dcm"
dcmconv +tb "$REF8" "$OUT/hand8_explicit_big_endian.dcm"
dcmconv +td "$REF8" "$OUT/hand8_deflated.dcm"
dcmcjpeg +eb +q 90 "$REF8" "$OUT/hand8_jpeg_baseline.dcm"
dcmcjpeg +e1 "$REF8" "$OUT/hand8_jpeg_lossless_sv1.dcm"
dcmcjpls +el "$REF8" "$OUT/hand8_jpegls_lossless.dcm"
dcmcjpls +en +md 2 "$REF8" "$OUT/hand8_jpegls_near_lossless.dcm"
dcmcrle "$REF8" "$OUT/hand8_rle.dcm"
gdcmconv --j2k "$REF8" "$OUT/hand8_j2k_lossless.dcm"
# gdcm records the lossy derivation in a new SourceImageSequence, so the old one must go first.
cp "$REF8" "$WORK/underived.dcm"
dcmodify -nb -e "(0008,2112)" "$WORK/underived.dcm"
gdcmconv --j2k --lossy -q 40 "$WORK/underived.dcm" "$OUT/hand8_j2k_lossy.dcm"
cp "$REF8" "$OUT/hand8_monochrome1.dcm"
dcmodify -nb -m "PhotometricInterpretation=MONOCHROME1" "$OUT/hand8_monochrome1.dcm"

# Raw 8-bit pixels of the reference, for the derived 12-bit, signed, multi-frame and colour images.
WIDTH=$(dcmdump +P Columns "$REF8" | sed -E 's/.*US ([0-9]+).*/\1/')
HEIGHT=$(dcmdump +P Rows "$REF8" | sed -E 's/.*US ([0-9]+).*/\1/')
dcmdump +W "$WORK" "$REF8" >/dev/null
RAW8=$(ls "$WORK"/*.raw | head -n 1)
node scripts/dicom-fixture-pixels.mjs "$RAW8" "$WORK"

wrap_raw() { # raw file, output, extra gdcmimg options...
  local raw=$1 out=$2
  shift 2
  gdcmimg --template "$REF8" "$@" -i "$raw" -o "$out"
}
# 2. 12 bits stored in 16 (a CR-like range), and the syntaxes that carry more than 8 bits.
wrap_raw "$WORK/hand12.raw" "$WORK/hand12.dcm" --size "$WIDTH,$HEIGHT" --depth 16 --pf 16,12,11 --sign 0
dcmconv +te "$WORK/hand12.dcm" "$OUT/hand12_explicit_le.dcm"
REF12="$OUT/hand12_explicit_le.dcm"
dcmcjpeg +ee "$REF12" "$OUT/hand12_jpeg_extended.dcm"
dcmcjpeg +e1 "$REF12" "$OUT/hand12_jpeg_lossless_sv1.dcm"
dcmcjpls +el "$REF12" "$OUT/hand12_jpegls_lossless.dcm"
dcmcrle "$REF12" "$OUT/hand12_rle.dcm"
gdcmconv --j2k "$REF12" "$OUT/hand12_j2k_lossless.dcm"
dcmconv +tb "$REF12" "$OUT/hand12_explicit_big_endian.dcm"

# 3. Signed values with a rescale and a multi-valued window (the decoder must use the first pair).
wrap_raw "$WORK/signed.raw" "$WORK/signed.dcm" --size "$WIDTH,$HEIGHT" --depth 16 --pf 16,16,15 --sign 1
dcmconv +te "$WORK/signed.dcm" "$OUT/hand16_signed_rescale_window.dcm"
dcmodify -nb -i "RescaleSlope=0.5" -i "RescaleIntercept=100" -i "RescaleType=US" \
  -i 'WindowCenter=400\900' -i 'WindowWidth=600\1200' "$OUT/hand16_signed_rescale_window.dcm"
dcmcjpls +el "$OUT/hand16_signed_rescale_window.dcm" "$OUT/hand16_signed_jpegls_lossless.dcm"

# 4. Three frames (the reference, its negative, its half), native and compressed.
wrap_raw "$WORK/frames.raw" "$WORK/frames.dcm" --size "$WIDTH,$HEIGHT,3" --depth 8
dcmconv +te "$WORK/frames.dcm" "$OUT/hand8_multiframe_explicit_le.dcm"
dcmcrle "$OUT/hand8_multiframe_explicit_le.dcm" "$OUT/hand8_multiframe_rle.dcm"
dcmcjpeg +e1 "$OUT/hand8_multiframe_explicit_le.dcm" "$OUT/hand8_multiframe_jpeg_lossless.dcm"

# 5. Colour: RGB (interleaved and planar) and JPEG baseline YBR.
wrap_raw "$WORK/rgb.raw" "$WORK/rgb.dcm" --size "$WIDTH,$HEIGHT" --depth 8 --spp 3 --pi RGB
dcmconv +te "$WORK/rgb.dcm" "$OUT/hand_rgb_explicit_le.dcm"
gdcmconv --raw --planar-configuration 1 "$OUT/hand_rgb_explicit_le.dcm" "$OUT/hand_rgb_planar.dcm"
dcmcjpeg +eb +q 95 "$OUT/hand_rgb_explicit_le.dcm" "$OUT/hand_rgb_jpeg_baseline_ybr.dcm"

# 6. Objects without pixels: an encapsulated PDF and a basic text Structured Report.
printf '%s\n' '%PDF-1.1' '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj' \
  '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj' 'trailer << /Root 1 0 R >>' '%%EOF' > "$WORK/report.pdf"
pdf2dcm "${IDENTITY[@]}" +t "Fixture report" "$WORK/report.pdf" "$OUT/report_encapsulated_pdf.dcm"
cat > "$WORK/sr.dump" <<'DUMP'
(0002,0010) UI =LittleEndianExplicit
(0008,0016) UI =BasicTextSRStorage
(0008,0018) UI [1.2.826.0.1.3680043.10.1126.1]
(0008,0060) CS [SR]
(0010,0010) PN [Fixture^Confidential]
(0020,000d) UI [1.2.826.0.1.3680043.10.1126.2]
(0020,000e) UI [1.2.826.0.1.3680043.10.1126.3]
(0040,a040) CS [CONTAINER]
(0040,a050) CS [SEPARATE]
DUMP
dump2dcm +te "$WORK/sr.dump" "$OUT/report_basic_text_sr.dcm"

# 7. What the tools' own decoders make of the lossy files, to check ours against them.
dcmdjpeg "$OUT/hand8_jpeg_baseline.dcm" "$OUT/hand8_jpeg_baseline_by_dcmdjpeg.dcm"
dcmdjpeg "$OUT/hand12_jpeg_extended.dcm" "$OUT/hand12_jpeg_extended_by_dcmdjpeg.dcm"
gdcmconv --raw "$OUT/hand8_j2k_lossy.dcm" "$OUT/hand8_j2k_lossy_by_gdcmconv.dcm"

ls -l "$OUT"
