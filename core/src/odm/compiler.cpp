// Compiles a parsed model file into the kernels of the model interface. The step is a
// straight-line program: line k computes the new value g_k of its state from the old states,
// the new states of earlier lines, the parameters, i_inj and dt. ODE lines become discrete
// maps first (implicit, exponential or Euler, SPEC 1.5). The reverse pass is derived
// symbolically (GiNaC) from the same map, walking the lines backwards:
//   A_k = adjNew(x_k) + sum_{j > k} A_j dg_j/dN_k           (N_k: the new value of line k)
//   adjOld(x) = sum_k A_k dg_k/dx,  adjInput = sum_k A_k dg_k/di_inj,  grad(p) += sum_k A_k dg_k/dp
// so gradients are exact for the discrete map. Subexpressions that depend only on parameters
// and dt are computed once per engine (derive), and equal subexpressions once per program.
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

    void bind(const ex& symbol, Operand where) { symbols_[symbol] = where; }

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
    void add(Operand dst, const ex& value) { prog_.code.push_back({Op::Add, dst, dst, emit(value)}); }

private:
    static std::string toString(const ex& e) {
        std::ostringstream s;
        s << e;
        return s.str();
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
    bool derivePass_;
    int& temps_;
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
    void reverse(const ModelGroup& g, const Block& b, const double* old, const double* neu, const double* adjNew,
                 double* adjOld, const double* input, double* adjInput, double* grad, Scratch&, double) const override {
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
    std::vector<GiNaC::symbol> newSym, adjSym;
    for (int s = 0; s < S; ++s) newSym.emplace_back(ast.states[s].name + "'");
    for (int k = 0; k < K; ++k) adjSym.emplace_back("A_" + std::to_string(k));

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
        int stepTemps = 0;
        Emitter fw(step, pool, inputs, false, stepTemps);
        for (int k = 0; k < K; ++k) fw.store({Base::New, ast.updates[k].state}, g[k]);
        allocateRegisters(step);

        // Reverse, lines backwards.
        Program reverse;
        int reverseTemps = 0;
        Emitter rv(reverse, pool, inputs, false, reverseTemps);
        for (int k = K - 1; k >= 0; --k) {
            const GiNaC::symbol& nk = newSym[ast.updates[k].state];
            ex sum = 0;
            for (int j = k + 1; j < K; ++j) sum += adjSym[j] * g[j].diff(nk);
            const GiNaC::symbol adjNewK("adjNew_" + std::to_string(k));
            rv.bind(adjNewK, {Base::AdjNew, ast.updates[k].state});
            const Operand a = rv.emit(adjNewK + sum);
            rv.bind(adjSym[k], a);
        }
        auto total = [&](const GiNaC::symbol& v) {
            ex sum = 0;
            for (int k = 0; k < K; ++k) sum += adjSym[k] * g[k].diff(v);
            return sum;
        };
        for (int s = 0; s < S; ++s) rv.store({Base::AdjOld, s}, total(ast.stateSymbols[s]));
        rv.store({Base::AdjInput, 0}, total(ast.iInj));
        for (int p = 0; p < P; ++p) {
            const ex d = total(ast.paramSymbols[p]);
            if (!d.is_zero()) rv.add({Base::Grad, p}, d);
        }
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
