// Compiles a parsed model file into the kernels of the model interface. The step is a
// straight-line program: line k computes the new value g_k of its state from the old states,
// the new states of earlier lines, the parameters, i_inj and dt. ODE lines become discrete
// maps first (implicit, exponential or Euler, SPEC 1.5; the affine check and the coefficients
// a, b are symbolic, GiNaC). Subexpressions that depend only on parameters and dt are computed
// once per engine (derive), equal subexpressions once per step. The reverse pass is the
// compiled step differentiated backwards, operation by operation (see Adjoint), so gradients
// are exact for the discrete map and cost a small multiple of the step whatever the number of
// parameters; the parameter-only parts are differentiated symbolically.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "../engine.hpp"
#include "model_ast.hpp"
#include "odynn/errors.hpp"
#include "odynn/model_file.hpp"
#include "program.hpp"

namespace odynn::detail::odm {
namespace {

using GiNaC::ex;
using GiNaC::ex_to;
using GiNaC::is_a;
using ExMap = std::map<ex, Operand, GiNaC::ex_is_less>;

class UnsupportedExpression : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Shared by the programs of one model: constants and the rows of derived constants.
struct Pool {
    std::vector<double> consts;            // `chunk` copies of each constant
    std::map<double, int> constIndex;
    Program derive;                        // fills derived rows 1.. (row 0 holds dt)
    int derivedRows = 1;
    ExMap deriveCache, derivedRow;         // derive-program values; invariants stored in derived rows
    std::map<ex, bool, GiNaC::ex_is_less> invariant;
    std::set<ex, GiNaC::ex_is_less> invariantSymbols;  // parameters and dt
    ExMap deriveSymbols;                   // parameter -> Raw row, dt -> Derived row 0
    int deriveTemps = 0;

    Operand constant(double v) {
        auto it = constIndex.find(v);
        if (it == constIndex.end()) {
            it = constIndex.emplace(v, int(constIndex.size())).first;
            consts.insert(consts.end(), chunk, v);
        }
        return {Base::Const, it->second};
    }
    bool isInvariant(const ex& e) {
        if (is_a<GiNaC::numeric>(e)) return true;
        if (is_a<GiNaC::symbol>(e)) return invariantSymbols.count(e) > 0;
        const auto it = invariant.find(e);
        if (it != invariant.end()) return it->second;
        bool all = true;
        for (size_t i = 0; i < e.nops() && all; ++i) all = isInvariant(e.op(i));
        invariant.emplace(e, all);
        return all;
    }
};

// Emits expressions into one program, with common subexpressions computed once.
class Emitter {
public:
    Emitter(Program& program, Pool& pool, ExMap symbols, bool derivePass, int& temps)
        : prog_(program), pool_(pool), symbols_(std::move(symbols)), derivePass_(derivePass), temps_(temps) {}

    Operand emit(const ex& e) {
        if (is_a<GiNaC::numeric>(e)) return pool_.constant(ex_to<GiNaC::numeric>(e).to_double());
        if (is_a<GiNaC::symbol>(e)) {
            const auto it = symbols_.find(e);
            if (it == symbols_.end()) throw UnsupportedExpression("symbol without a value: " + toString(e));
            return it->second;
        }
        if (!derivePass_ && pool_.isInvariant(e)) return derived(e);
        if (const auto it = cache_.find(e); it != cache_.end()) return it->second;
        const Operand out = compute(e);
        cache_.emplace(e, out);
        return out;
    }

    // dst = value (a store into a state, adjoint or gradient row).
    void store(Operand dst, const ex& value) { prog_.code.push_back({Op::Copy, dst, emit(value), {}}); }
    void storeOperand(Operand dst, Operand value) { prog_.code.push_back({Op::Copy, dst, value, {}}); }

private:
    static std::string toString(const ex& e) {
        std::ostringstream s;
        s << e;
        return s.str();
    }

    // A text of e in which the terms of every sum and the factors of every product are sorted.
    // GiNaC orders them by hash values that it seeds from addresses, which differ from process
    // to process; emitting them in this order instead makes the program, and so the last bits
    // of every result, the same in every run (a resumed fit, another rank).
    const std::string& canonical(const ex& e) {
        if (const auto it = canonical_.find(e); it != canonical_.end()) return it->second;
        std::string text;
        if (is_a<GiNaC::add>(e) || is_a<GiNaC::mul>(e)) {
            std::vector<std::string> parts;
            for (size_t i = 0; i < e.nops(); ++i) parts.push_back(canonical(e.op(i)));
            std::sort(parts.begin(), parts.end());
            text = is_a<GiNaC::add>(e) ? "+(" : "*(";
            for (const std::string& part : parts) text += part + ",";
            text += ")";
        } else if (is_a<GiNaC::power>(e)) {
            text = "^(" + canonical(e.op(0)) + "," + canonical(e.op(1)) + ")";
        } else if (is_a<GiNaC::function>(e)) {
            text = ex_to<GiNaC::function>(e).get_name() + "(";
            for (size_t i = 0; i < e.nops(); ++i) text += canonical(e.op(i)) + ",";
            text += ")";
        } else {
            text = toString(e);
        }
        return canonical_.emplace(e, std::move(text)).first->second;
    }
    void sortCanonically(std::vector<ex>& terms) {
        std::stable_sort(terms.begin(), terms.end(),
                         [&](const ex& a, const ex& b) { return canonical(a) < canonical(b); });
    }
    Operand temp() { return {Base::Temp, temps_++}; }
    Operand op(Op o, Operand a, Operand b = {}) {
        const Operand d = temp();
        prog_.code.push_back({o, d, a, b});
        return d;
    }

    // An invariant subexpression: computed by the derive program into a derived row.
    Operand derived(const ex& e) {
        if (const auto it = pool_.derivedRow.find(e); it != pool_.derivedRow.end()) return it->second;
        Emitter d(pool_.derive, pool_, pool_.deriveSymbols, true, pool_.deriveTemps);
        d.cache_ = std::move(pool_.deriveCache);
        const Operand row{Base::Derived, pool_.derivedRows++};
        d.storeOperand(row, d.emit(e));
        pool_.deriveCache = std::move(d.cache_);
        pool_.derivedRow.emplace(e, row);
        return row;
    }

    Operand compute(const ex& e) {
        if (is_a<GiNaC::add>(e)) {
            std::vector<ex> plus, minus;
            for (size_t i = 0; i < e.nops(); ++i) {
                const ex t = e.op(i);
                const bool negative = (is_a<GiNaC::numeric>(t) && ex_to<GiNaC::numeric>(t).is_negative()) ||
                                      (is_a<GiNaC::mul>(t) && is_a<GiNaC::numeric>(t.op(t.nops() - 1)) &&
                                       ex_to<GiNaC::numeric>(t.op(t.nops() - 1)).is_negative());
                (negative ? minus : plus).push_back(negative ? -t : t);
            }
            sortCanonically(plus);
            sortCanonically(minus);
            Operand acc = plus.empty() ? op(Op::Neg, emit(minus[0])) : emit(plus[0]);
            for (size_t i = 1; i < plus.size(); ++i) acc = op(Op::Add, acc, emit(plus[i]));
            for (size_t i = plus.empty() ? 1 : 0; i < minus.size(); ++i) acc = op(Op::Sub, acc, emit(minus[i]));
            return acc;
        }
        if (is_a<GiNaC::mul>(e)) {
            std::vector<ex> num, den;
            GiNaC::numeric coeff = 1;
            for (size_t i = 0; i < e.nops(); ++i) {
                const ex f = e.op(i);
                if (is_a<GiNaC::numeric>(f)) coeff *= ex_to<GiNaC::numeric>(f);
                else if (is_a<GiNaC::power>(f) && is_a<GiNaC::numeric>(f.op(1)) && ex_to<GiNaC::numeric>(f.op(1)).is_negative())
                    den.push_back(GiNaC::pow(f.op(0), -f.op(1)));
                else num.push_back(f);
            }
            sortCanonically(num);
            sortCanonically(den);
            const bool negate = coeff.is_negative();
            if (negate) coeff = -coeff;
            // Factors, then the quotient, then the numeric coefficient: an overflowed exp in a
            // sigmoid-like quotient (c e^u / (1 + e^u)^2) then reaches its limit instead of inf/inf.
            Operand acc = pool_.constant(coeff.to_double());
            bool haveFactor = false;
            for (const ex& f : num) {
                acc = haveFactor ? op(Op::Mul, acc, emit(f)) : emit(f);
                haveFactor = true;
            }
            if (!den.empty()) {
                Operand d = emit(den[0]);
                for (size_t i = 1; i < den.size(); ++i) d = op(Op::Mul, d, emit(den[i]));
                acc = op(Op::Div, haveFactor ? acc : pool_.constant(coeff.to_double()), d);
            }
            if (haveFactor && coeff != 1) acc = op(Op::Mul, acc, pool_.constant(coeff.to_double()));
            return negate ? op(Op::Neg, acc) : acc;
        }
        if (is_a<GiNaC::power>(e)) {
            const ex base = e.op(0), expo = e.op(1);
            if (is_a<GiNaC::numeric>(expo)) {
                const GiNaC::numeric n = ex_to<GiNaC::numeric>(expo);
                if (n.is_negative()) return op(Op::Div, pool_.constant(1.0), emit(GiNaC::pow(base, -expo)));
                if (n == GiNaC::numeric(1, 2)) return op(Op::Sqrt, emit(base));
                if (n.is_integer() && n.to_long() <= 64) return integerPower(emit(base), n.to_long());
                return op(Op::Pow, emit(base), pool_.constant(n.to_double()));
            }
            return op(Op::Pow, emit(base), emit(expo));
        }
        if (is_a<GiNaC::function>(e)) {
            const std::string name = ex_to<GiNaC::function>(e).get_name();
            static const std::map<std::string, Op> unary = {
                {"exp", Op::Exp},   {"log", Op::Log},         {"tanh", Op::Tanh},       {"cosh", Op::Cosh},
                {"sinh", Op::Sinh}, {"sigmoid", Op::Sigmoid}, {"absolute", Op::Abs},    {"signum", Op::Sign},
                {"phi", Op::Phi},   {"dphi", Op::DPhi}};
            static const std::map<std::string, Op> binary = {
                {"minimum", Op::Min}, {"maximum", Op::Max}, {"atLeast", Op::GreaterEqual}};
            if (const auto u = unary.find(name); u != unary.end()) return op(u->second, emit(e.op(0)));
            if (const auto b = binary.find(name); b != binary.end()) return op(b->second, emit(e.op(0)), emit(e.op(1)));
        }
        throw UnsupportedExpression("cannot evaluate " + toString(e));
    }

    // x^n by repeated squaring (x^2 = x*x, x^3 = x*x*x, x^4 = (x^2)^2 as the built-in kernels).
    Operand integerPower(Operand x, long n) {
        if (n == 0) return pool_.constant(1.0);
        if (n == 1) return x;
        if (n == 2) return op(Op::Square, x);
        if (n == 3) return op(Op::Cube, x);
        const Operand half = integerPower(x, n / 2);
        const Operand sq = op(Op::Square, half);
        return n % 2 ? op(Op::Mul, sq, x) : sq;
    }

    Program& prog_;
    Pool& pool_;
    ExMap symbols_;
    ExMap cache_;
    std::map<ex, std::string, GiNaC::ex_is_less> canonical_;  // canonical() of each expression seen
    bool derivePass_;
    int& temps_;
};

// Reverse-mode differentiation of the forward program (still in virtual temporaries): its
// instructions are replayed (new states are read from the stored trajectory instead of being
// written), then each instruction's local partial derivatives are applied backwards, e.g.
//   d = a * b:  adj(a) += adj(d) b,  adj(b) += adj(d) a
//   d = a / b:  adj(a) += adj(d) / b,  adj(b) -= adj(d) d / b
//   d = sigmoid(a):  adj(a) += adj(d) d (1 - d)
// The store of line k's new state adds adjNew(x_k) to the adjoint of its value, after every
// later line that read the new value has added its share. Parameters reach the gradient
// directly or through derived rows (parameter-only subexpressions), whose partial derivatives
// with respect to each parameter are derived symbolically and computed once per engine.
class Adjoint {
public:
    Adjoint(Program& out, int& temps, Pool& pool, Emitter& invariants) : out_(out), temps_(temps), pool_(pool), inv_(invariants) {}

    void build(const Program& forward, int states, int params, const std::vector<ex>& derivedExpr,
               const std::vector<GiNaC::symbol>& paramSymbols) {
        for (const Instruction& i : forward.code)
            if (i.dst.base == Base::Temp) out_.code.push_back(i);
        for (auto it = forward.code.rbegin(); it != forward.code.rend(); ++it) backward(*it);
        for (int s = 0; s < states; ++s) finish({Base::AdjOld, s}, {Base::Old, s});
        finish({Base::AdjInput, 0}, {Base::Input, 0});
        for (int p = 0; p < params; ++p)
            if (const Operand* a = find({Base::Raw, p})) emit(Op::Add, {Base::Grad, p}, {Base::Grad, p}, *a);
        for (size_t r = 1; r < derivedExpr.size(); ++r) {
            const Operand* a = find({Base::Derived, int(r)});
            if (!a) continue;
            for (int p = 0; p < params; ++p) {
                const ex d = derivedExpr[r].diff(paramSymbols[p]);
                if (d.is_zero()) continue;
                emit(Op::Add, {Base::Grad, p}, {Base::Grad, p}, mul(*a, inv_.emit(d)));
            }
        }
    }

private:
    using Key = std::pair<int, int>;  // (base, row)
    static Key key(Operand o) { return {int(o.base), o.row}; }
    const Operand* find(Operand o) const {
        const auto it = adj_.find(key(o));
        return it == adj_.end() ? nullptr : &it->second;
    }
    Operand temp() { return {Base::Temp, temps_++}; }
    void emit(Op op, Operand d, Operand a, Operand b = {}) { out_.code.push_back({op, d, a, b}); }
    Operand make(Op op, Operand a, Operand b = {}) {
        const Operand d = temp();
        emit(op, d, a, b);
        return d;
    }
    Operand mul(Operand a, Operand b) { return make(Op::Mul, a, b); }
    Operand constant(double v) { return pool_.constant(v); }

    // adj(target) += value (or -= value).
    void add(Operand target, Operand value, bool subtract = false) {
        if (target.base == Base::Const || (target.base == Base::Derived && target.row == 0)) return;  // row 0: dt
        const auto it = adj_.find(key(target));
        if (it == adj_.end()) adj_.emplace(key(target), subtract ? make(Op::Neg, value) : value);
        else it->second = make(subtract ? Op::Sub : Op::Add, it->second, value);
    }

    void backward(const Instruction& i) {
        if (i.dst.base == Base::New) {  // the store of a line's new state
            Operand total = {Base::AdjNew, i.dst.row};
            if (const Operand* later = find(i.dst)) total = make(Op::Add, total, *later);
            add(i.a, total);
            return;
        }
        const Operand* found = find(i.dst);
        if (!found) return;
        const Operand g = *found, d = i.dst, a = i.a, b = i.b;
        switch (i.op) {
        case Op::Copy: add(a, g); break;
        case Op::Add: add(a, g); add(b, g); break;
        case Op::Sub: add(a, g); add(b, g, true); break;
        case Op::Mul: add(a, mul(g, b)); add(b, mul(g, a)); break;
        case Op::Div: {
            const Operand q = make(Op::Div, g, b);
            add(a, q);
            add(b, mul(q, d), true);
            break;
        }
        case Op::Neg: add(a, g, true); break;
        case Op::Exp: add(a, mul(g, d)); break;
        case Op::Log: add(a, make(Op::Div, g, a)); break;
        case Op::Sqrt: add(a, make(Op::Div, mul(g, constant(0.5)), d)); break;
        case Op::Abs: add(a, mul(g, make(Op::Sign, a))); break;
        case Op::Sign: break;
        case Op::Tanh: add(a, mul(g, make(Op::Sub, constant(1.0), make(Op::Square, d)))); break;
        case Op::Cosh: add(a, mul(g, make(Op::Sinh, a))); break;
        case Op::Sinh: add(a, mul(g, make(Op::Cosh, a))); break;
        case Op::Pow:  // d = a^b: adj(a) += adj(d) b a^(b-1), adj(b) += adj(d) d log(a)
            add(a, mul(g, mul(b, make(Op::Pow, a, make(Op::Sub, b, constant(1.0))))));
            if (b.base != Base::Const) add(b, mul(g, mul(d, make(Op::Log, a))));
            break;
        case Op::Square: add(a, mul(g, mul(a, constant(2.0)))); break;
        case Op::Cube: add(a, mul(g, mul(make(Op::Square, a), constant(3.0)))); break;
        case Op::Sigmoid: add(a, mul(g, mul(d, make(Op::Sub, constant(1.0), d)))); break;
        case Op::Phi: add(a, mul(g, make(Op::DPhi, a))); break;
        case Op::DPhi: throw UnsupportedExpression("no derivative of phi'");
        case Op::Min: {  // ties go to a
            const Operand first = make(Op::GreaterEqual, b, a);
            add(a, mul(g, first));
            add(b, mul(g, make(Op::Sub, constant(1.0), first)));
            break;
        }
        case Op::Max: {
            const Operand first = make(Op::GreaterEqual, a, b);
            add(a, mul(g, first));
            add(b, mul(g, make(Op::Sub, constant(1.0), first)));
            break;
        }
        case Op::GreaterEqual: break;
        }
    }

    // Writes the adjoint of `source` (0 when nothing depends on it) to an output row.
    void finish(Operand target, Operand source) {
        const Operand* a = find(source);
        emit(Op::Copy, target, a ? *a : constant(0.0));
    }

    Program& out_;
    int& temps_;
    Pool& pool_;
    Emitter& inv_;
    std::map<Key, Operand> adj_;
};

// Maps virtual temporaries to as few registers as possible (a value's register is freed after
// its last use).
void allocateRegisters(Program& p) {
    std::map<int, size_t> lastUse;
    for (size_t i = 0; i < p.code.size(); ++i)
        for (const Operand* o : {&p.code[i].a, &p.code[i].b})
            if (o->base == Base::Temp) lastUse[o->row] = i;
    std::map<int, int> physical;
    std::vector<int> freeRegs;
    int count = 0;
    for (size_t i = 0; i < p.code.size(); ++i) {
        Instruction& ins = p.code[i];
        std::vector<int> dying;
        for (Operand* o : {&ins.a, &ins.b}) {
            if (o->base != Base::Temp) continue;
            const int v = o->row;
            o->row = physical.at(v);
            if (lastUse[v] == i) dying.push_back(v);
        }
        for (int v : dying)
            if (const auto it = physical.find(v); it != physical.end()) {
                freeRegs.push_back(it->second);
                physical.erase(it);
            }
        if (ins.dst.base == Base::Temp) {
            int r;
            if (!freeRegs.empty()) { r = freeRegs.back(); freeRegs.pop_back(); }
            else r = count++;
            physical[ins.dst.row] = r;
            if (!lastUse.count(ins.dst.row)) {  // never read
                freeRegs.push_back(r);
                physical.erase(ins.dst.row);
            }
            ins.dst.row = r;
        }
    }
    p.registers = count;
}

bool reads(const Program& p, Base base) {
    for (const Instruction& i : p.code)
        if (i.a.base == base || i.b.base == base) return true;
    return false;
}

class FileKernels final : public ModelKernels {
public:
    FileKernels(Pool pool, Program step, Program reverse)
        : consts_(std::move(pool.consts)), derive_(std::move(pool.derive)), step_(std::move(step)),
          reverse_(std::move(reverse)), derivedRows_(pool.derivedRows), reverseInput_(reads(reverse_, Base::Input)) {}

    int derivedCount() const override { return derivedRows_; }
    void derive(const double* raw, double* der, int E, double dt) const override {
        std::fill_n(der, E, dt);
        const double* arrays[int(Base::Count)] = {};
        arrays[int(Base::Raw)] = raw;
        arrays[int(Base::Derived)] = der;
        run(derive_, arrays, E, 0, E, 0, consts_);
    }
    void step(const ModelGroup& g, const Block& b, const double* old, double* out, const double* input, Scratch&,
              double) const override {
        const double* arrays[int(Base::Count)] = {};
        arrays[int(Base::Raw)] = g.raw.data();
        arrays[int(Base::Derived)] = g.derived.data();
        arrays[int(Base::Old)] = old;
        arrays[int(Base::New)] = out;
        arrays[int(Base::Input)] = input;
        run(step_, arrays, b.E, b.begin, b.n, b.begin, consts_);
    }
    bool reverseNeedsInput() const override { return reverseInput_; }
    void reverse(const ModelGroup& g, const Block& b, const double* old, const double* neu, const double*,
                 const double* adjNew, double* adjOld, const double* input, double* adjInput, double* grad, Scratch&,
                 double) const override {
        const double* arrays[int(Base::Count)] = {};
        arrays[int(Base::Raw)] = g.raw.data();
        arrays[int(Base::Derived)] = g.derived.data();
        arrays[int(Base::Old)] = old;
        arrays[int(Base::New)] = neu;
        arrays[int(Base::AdjNew)] = adjNew;
        arrays[int(Base::AdjOld)] = adjOld;
        arrays[int(Base::Grad)] = grad;
        arrays[int(Base::Input)] = input;
        arrays[int(Base::AdjInput)] = adjInput;
        run(reverse_, arrays, b.E, b.begin, b.n, b.begin, consts_);
    }

private:
    std::vector<double> consts_;
    Program derive_, step_, reverse_;
    int derivedRows_;
    bool reverseInput_;
};

std::string methodName(Method m) {
    return m == Method::Implicit ? "implicit" : m == Method::Exponential ? "exponential" : "euler";
}

}  // namespace

std::shared_ptr<const ModelSpec> compile(const std::string& text, const std::string& source) {
    ModelAst ast = parseModel(text, source);
    const int S = int(ast.states.size()), K = int(ast.updates.size()), P = int(ast.paramSymbols.size());
    std::vector<GiNaC::symbol> newSym;
    for (int s = 0; s < S; ++s) newSym.emplace_back(ast.states[s].name + "'");

    // Discrete map of each line, over old states, earlier new states, parameters, i_inj and dt.
    std::vector<ex> g(K);
    GiNaC::exmap seen;  // old state -> new state, for states updated on earlier lines
    for (int k = 0; k < K; ++k) {
        const Update& u = ast.updates[k];
        const GiNaC::symbol& x = ast.stateSymbols[u.state];
        const ex f = u.rhs.subs(seen);
        const std::string& name = ast.states[u.state].name;
        try {
            switch (u.method) {
            case Method::Map: g[k] = f; break;
            case Method::Euler: g[k] = x + ast.dt * f; break;
            case Method::Implicit:
            case Method::Exponential: {
                const ex a = f.diff(x);
                if (a.has(x))
                    throw InputError(source, u.at.line, u.at.column, name,
                                     "d" + name + "/dt is not affine in " + name + " (a*" + name + " + b with a, b free of " +
                                         name + "), which the " + methodName(u.method) + " method needs");
                const ex b = f.subs(x == 0);
                if (u.method == Method::Implicit) g[k] = (x + ast.dt * b) / (1 - ast.dt * a);
                else if (a.is_zero()) g[k] = x + ast.dt * b;
                else g[k] = x * GiNaC::exp(a * ast.dt) + ast.dt * b * phi(a * ast.dt);
                break;
            }
            }
        } catch (const GiNaC::pole_error& e) {
            throw InputError(source, u.at.line, u.at.column, name, std::string("division by zero: ") + e.what());
        } catch (const std::domain_error& e) {
            throw InputError(source, u.at.line, u.at.column, name, e.what());
        }
        seen[x] = newSym[u.state];
    }

    Pool pool;
    for (int p = 0; p < P; ++p) {
        pool.invariantSymbols.insert(ast.paramSymbols[p]);
        pool.deriveSymbols[ast.paramSymbols[p]] = {Base::Raw, p};
    }
    pool.invariantSymbols.insert(ast.dt);
    pool.deriveSymbols[ast.dt] = {Base::Derived, 0};
    ExMap inputs = pool.deriveSymbols;
    for (int s = 0; s < S; ++s) {
        inputs[ast.stateSymbols[s]] = {Base::Old, s};
        inputs[newSym[s]] = {Base::New, s};
    }
    inputs[ast.iInj] = {Base::Input, 0};

    try {
        // Forward: each line stores its state's new value; later lines read it from there.
        Program step;
        int temps = 0;
        Emitter forward(step, pool, inputs, false, temps);
        for (int k = 0; k < K; ++k) forward.store({Base::New, ast.updates[k].state}, g[k]);

        // Reverse: the forward program differentiated backwards (exact for the discrete map).
        std::vector<ex> derivedExpr(pool.derivedRows);
        for (const auto& [e, row] : pool.derivedRow) derivedExpr[row.row] = e;
        Program reverse;
        Emitter invariants(reverse, pool, inputs, false, temps);
        Adjoint(reverse, temps, pool, invariants).build(step, S, P, derivedExpr, ast.paramSymbols);
        allocateRegisters(step);
        allocateRegisters(reverse);
        allocateRegisters(pool.derive);

        auto spec = std::make_shared<ModelSpec>(std::move(ast.spec));
        spec->kernels = std::make_shared<FileKernels>(std::move(pool), std::move(step), std::move(reverse));
        return spec;
    } catch (const UnsupportedExpression& e) {
        throw InputError(source, 1, 1, ast.spec.name, e.what());
    }
}

}  // namespace odynn::detail::odm

namespace odynn {

std::shared_ptr<const ModelSpec> compileModel(const std::string& text, const std::string& sourceName) {
    return detail::odm::compile(text, sourceName);
}

const ModelSpec& registerModelSource(const std::string& text, const std::string& sourceName) {
    const std::shared_ptr<const ModelSpec> spec = compileModel(text, sourceName);
    try {
        return registerModel(spec);
    } catch (const std::invalid_argument& e) {
        throw InputError(sourceName, 0, "model", e.what());
    }
}

const ModelSpec& loadModelFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, {}, "cannot read the model file");
    std::ostringstream text;
    text << in.rdbuf();
    return registerModelSource(text.str(), path);
}

bool isModelFilePath(const std::string& argument) {
    return argument.size() > 4 && argument.compare(argument.size() - 4, 4, ".odm") == 0;
}

}  // namespace odynn
