;; Histogram kernels of the GBDT learner (issue #3), hand-written WebAssembly (SIMD).
;; Source of histogram-wasm.ts: regenerate with
;;   node dist/model-packager/learners/gbdt/wasm/generate-histogram-wasm.js
;; All pointers are byte offsets into the shared memory of one fit (see wasm-memory.ts).
;; A group histogram is 4 features × 256 bins × (f64 grad, f64 hess) = 16 KiB; feature j of
;; the group starts at +4096·j and bin b at +16·b, so one f64x2 add updates (grad, hess).
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; og[i] = grad[rows[i]], oh[i] = hess[rows[i]] for i < count ("ordered gradients").
  (func (export "gather") (param $rows i32) (param $grad i32) (param $hess i32) (param $count i32) (param $og i32) (param $oh i32)
    (local $i i32) (local $end i32) (local $row i32)
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $row (i32.shl (i32.load (i32.add (local.get $rows) (local.get $i))) (i32.const 2)))
        (f32.store (i32.add (local.get $og) (local.get $i)) (f32.load (i32.add (local.get $grad) (local.get $row))))
        (f32.store (i32.add (local.get $oh) (local.get $i)) (f32.load (i32.add (local.get $hess) (local.get $row))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next))))

;; Adds (g[i], h[i]) to the bins of the 4 features packed in the row's word (one group).
  ;; $identity = 1: rows 0 … count−1 in order (root without row sampling), g/h = grad/hess;
  ;; else row rows[i] with g/h the gathered ordered gradients. The bin update is written out
  ;; inline (a call per row measured ~40% slower in Node 20).
  (func (export "build") (param $words i32) (param $rows i32) (param $g i32) (param $h i32) (param $count i32) (param $hist i32) (param $identity i32)
    (local $i i32) (local $end i32) (local $w i32) (local $gh v128) (local $p i32)
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $w (i32.load (i32.add (local.get $words)
          (select (local.get $i) (i32.shl (i32.load (i32.add (local.get $rows) (local.get $i))) (i32.const 2)) (local.get $identity)))))
        (local.set $gh (f64x2.replace_lane 1
          (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $i)))))
          (f64.promote_f32 (f32.load (i32.add (local.get $h) (local.get $i))))))
        (local.set $p (i32.add (local.get $hist) (i32.shl (i32.and (local.get $w) (i32.const 255)) (i32.const 4))))
        (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
        (local.set $p (i32.add (local.get $hist) (i32.add (i32.const 4096) (i32.and (i32.shr_u (local.get $w) (i32.const 4)) (i32.const 4080)))))
        (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
        (local.set $p (i32.add (local.get $hist) (i32.add (i32.const 8192) (i32.and (i32.shr_u (local.get $w) (i32.const 12)) (i32.const 4080)))))
        (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
        (local.set $p (i32.add (local.get $hist) (i32.add (i32.const 12288) (i32.and (i32.shr_u (local.get $w) (i32.const 20)) (i32.const 4080)))))
        (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $gh)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next))))
)
