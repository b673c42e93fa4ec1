;; Integer dot products of one i16 query with many i8 rows, 16 lanes at a time (WebAssembly SIMD):
;; each step widens 16 row values to i16 and multiplies-and-adds them pairwise into i32 lanes.
;; Built into dots.wasm.ts by `npm run build:kernel`; a test checks the two agree.
(module
  (memory (export "memory") 1)
  ;; out[i] = sum over j < dim of query[j] * rows[indices[i] * dim + j], as i32, for i < count.
  ;; dim is a multiple of 16; query (dim i16 values), rows, indices and out are byte offsets.
  (func (export "dots")
    (param $query i32) (param $rows i32) (param $dim i32) (param $indices i32) (param $count i32) (param $out i32)
    (local $i i32) (local $row i32) (local $j i32) (local $b i32) (local $acc v128) (local $a v128)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $row
          (i32.add (local.get $rows)
            (i32.mul (i32.load (i32.add (local.get $indices) (i32.shl (local.get $i) (i32.const 2)))) (local.get $dim))))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (loop $lanes
          (local.set $a (v128.load (i32.add (local.get $row) (local.get $j))))
          (local.set $b (i32.add (local.get $query) (i32.shl (local.get $j) (i32.const 1))))
          (local.set $acc (i32x4.add (local.get $acc)
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $a)) (v128.load (local.get $b)))))
          (local.set $acc (i32x4.add (local.get $acc)
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $a)) (v128.load offset=16 (local.get $b)))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $lanes (i32.lt_u (local.get $j) (local.get $dim))))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))))
