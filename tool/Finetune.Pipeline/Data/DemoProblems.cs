using Finetune.Torch.Training.Data;
namespace Finetune.Pipeline.Data;

/// <summary>
/// The demo word-problem templates: each draws its words and numbers from a <see cref="SplitMix64"/> and
/// writes the question, a reasoning chain with one "a plus b is c" step per operation, and the answer.
/// Every answer is 0 to 20. Changing anything here changes the shipped demo file (a test compares it).
/// </summary>
internal static class DemoProblems
{
    public static readonly Func<SplitMix64, DemoExample>[] All =
        [Give, Find, Eat, Lose, Wind, Share, Groups, Legs, MixedLegs, Compare, PickAndGive, Colors];

    private static readonly DemoPerson[] People =
    [
        new("Lily", "she", "her"), new("Mia", "she", "her"), new("Sue", "she", "her"), new("Anna", "she", "her"),
        new("Lucy", "she", "her"), new("Sara", "she", "her"), new("Emma", "she", "her"), new("Zoe", "she", "her"),
        new("Tom", "he", "him"), new("Ben", "he", "him"), new("Max", "he", "him"), new("Tim", "he", "him"),
        new("Sam", "he", "him"), new("Jack", "he", "him"), new("Leo", "he", "him"), new("Bob", "he", "him"),
    ];

    private static readonly DemoWord[] Toys =
        [.. new[] { "ball", "toy car", "block", "sticker", "book", "crayon", "doll", "marble" }.Select(DemoWord.Regular)];

    private static readonly DemoWord[] Food =
    [
        DemoWord.Regular("apple"), DemoWord.Regular("cookie"), new("candy", "candies"), DemoWord.Regular("grape"),
        new("strawberry", "strawberries"), new("cherry", "cherries"), DemoWord.Regular("cupcake"), new("peach", "peaches"),
    ];

    private static readonly DemoWord[] Finds =
    [
        DemoWord.Regular("shell"), DemoWord.Regular("stone"), new("leaf", "leaves"), DemoWord.Regular("egg"),
        DemoWord.Regular("flower"), DemoWord.Regular("feather"),
    ];

    private static readonly DemoWord[] WindThings =
        [DemoWord.Regular("balloon"), DemoWord.Regular("kite"), DemoWord.Regular("hat"), new("leaf", "leaves")];

    private static readonly DemoWord[] Containers =
        [new("box", "boxes"), DemoWord.Regular("bag"), DemoWord.Regular("basket"), DemoWord.Regular("jar"), DemoWord.Regular("plate")];

    private static readonly DemoWord[] Picked =
        [DemoWord.Regular("flower"), DemoWord.Regular("apple"), new("berry", "berries"), new("strawberry", "strawberries")];

    private static readonly (DemoWord Word, int Legs)[] Animals =
    [
        (DemoWord.Regular("cat"), 4), (DemoWord.Regular("dog"), 4), (DemoWord.Regular("cow"), 4), (DemoWord.Regular("horse"), 4),
        (DemoWord.Regular("pig"), 4), (DemoWord.Regular("duck"), 2), (DemoWord.Regular("hen"), 2), (DemoWord.Regular("bird"), 2),
        (DemoWord.Regular("spider"), 8), (DemoWord.Regular("ant"), 6),
    ];

    private static readonly (DemoWord Word, string Where)[] Seen =
    [
        (DemoWord.Regular("bird"), "in the tree"), (new("fish", "fish"), "in the pond"),
        (new("butterfly", "butterflies"), "in the garden"), (DemoWord.Regular("car"), "on the road"),
        (DemoWord.Regular("boat"), "on the lake"),
    ];

    private static readonly string[] Colors4 = ["red", "blue", "green", "yellow", "pink", "white"];

    private static readonly string[] Places = ["at the park", "at the beach", "at the farm", "in the garden", "in the yard", "in the forest"];

    private static readonly string[] FarmPlaces = ["at the farm", "in the park", "in the yard", "at the zoo"];

    private static DemoExample Give(SplitMix64 r)
    {
        var (a, b) = TwoPeople(r);
        var n = Pick(r, Toys);
        var color = Pick(r, Colors4);
        var x = Between(r, 1, 10);
        var y = Between(r, 1, Math.Min(10, 20 - x));
        var s = x + y;
        return new(
            $"{a.Name} has {x} {color} {n.Of(x)}. {b.Name} gives {a.Object} {y} more. How many {n.Many} does {a.Name} have now?",
            $"{a.Name} starts with {x} {n.Of(x)}. {b.Name} gives {a.Object} {y} more. {x} plus {y} is {s}. So {a.Name} has {s} {n.Of(s)}.",
            $"{s}");
    }

    private static DemoExample Find(SplitMix64 r)
    {
        var a = Pick(r, People);
        var n = Pick(r, Finds);
        var place = Pick(r, Places);
        var x = Between(r, 1, 10);
        var y = Between(r, 1, Math.Min(10, 20 - x));
        var s = x + y;
        return new(
            $"{a.Name} finds {x} {n.Of(x)} {place}. Then {a.Subject} finds {y} more. How many {n.Many} does {a.Name} find in all?",
            $"First {a.Name} finds {x}. Then {a.Subject} finds {y} more. {x} plus {y} is {s}. So {a.Name} finds {s} {n.Of(s)}.",
            $"{s}");
    }

    private static DemoExample Eat(SplitMix64 r)
    {
        var a = Pick(r, People);
        var n = Pick(r, Food);
        var x = Between(r, 2, 20);
        var y = Between(r, 1, x);
        var d = x - y;
        return new(
            $"{a.Name} has {x} {n.Of(x)}. {a.SubjectCapital} eats {y} of them. How many {n.Many} are left?",
            $"{a.Name} has {x} {n.Of(x)}. {a.SubjectCapital} eats {y}. {x} minus {y} is {d}. So {d} {n.Of(d)} {(d == 1 ? "is" : "are")} left.",
            $"{d}");
    }

    private static DemoExample Lose(SplitMix64 r)
    {
        var a = Pick(r, People);
        var n = Pick(r, Toys);
        var x = Between(r, 2, 20);
        var y = Between(r, 1, x);
        var d = x - y;
        return new(
            $"{a.Name} has {x} {n.Of(x)}. On the way home, {a.Subject} loses {y} of them. How many {n.Many} does {a.Name} have now?",
            $"{a.Name} has {x} {n.Of(x)}. {a.SubjectCapital} loses {y}. {x} minus {y} is {d}. So {a.Name} has {d} {n.Of(d)} now.",
            $"{d}");
    }

    private static DemoExample Wind(SplitMix64 r)
    {
        var a = Pick(r, People);
        var n = Pick(r, WindThings);
        var place = Pick(r, Places);
        var x = Between(r, 2, 20);
        var y = Between(r, 1, x);
        var d = x - y;
        return new(
            $"{a.Name} has {x} {n.Of(x)} {place}. The wind blows {y} of them away. How many {n.Many} does {a.Name} have now?",
            $"{a.Name} has {x} {n.Of(x)}. The wind blows {y} away. {x} minus {y} is {d}. So {a.Name} has {d} {n.Of(d)} now.",
            $"{d}");
    }

    private static DemoExample Share(SplitMix64 r)
    {
        var a = Pick(r, People);
        var n = Pick(r, Food);
        var k = Between(r, 2, 5);
        var q = Between(r, 1, 20 / k);
        var x = k * q;
        return new(
            $"{a.Name} has {x} {n.Of(x)} and {k} friends. {a.SubjectCapital} gives each friend the same number. How many {n.Many} does each friend get?",
            $"There are {x} {n.Of(x)} and {k} friends. {x} divided by {k} is {q}. So each friend gets {q} {n.Of(q)}.",
            $"{q}");
    }

    private static DemoExample Groups(SplitMix64 r)
    {
        var a = Pick(r, People);
        var c = Pick(r, Containers);
        var n = Pick(r, Food);
        var k = Between(r, 2, 5);
        var m = Between(r, 1, 20 / k);
        var p = k * m;
        return new(
            $"{a.Name} has {k} {c.Many}. Each {c.One} has {m} {n.Of(m)}. How many {n.Many} does {a.Name} have?",
            $"There are {k} {c.Many} with {m} {n.Of(m)} in each. {k} times {m} is {p}. So {a.Name} has {p} {n.Of(p)}.",
            $"{p}");
    }

    private static DemoExample Legs(SplitMix64 r)
    {
        var a = Pick(r, People);
        var (animal, legs) = Pick(r, Animals);
        var place = Pick(r, FarmPlaces);
        var c = Between(r, 2, 20 / legs);
        var t = c * legs;
        return new(
            $"{a.Name} sees {c} {animal.Many} {place}. How many legs do the {animal.Many} have in all?",
            $"Each {animal.One} has {legs} legs. {c} times {legs} is {t}. So the {animal.Many} have {t} legs.",
            $"{t}");
    }

    private static DemoExample MixedLegs(SplitMix64 r)
    {
        var four = Pick(r, Animals.Where(x => x.Legs == 4).ToArray()).Word;
        var two = Pick(r, Animals.Where(x => x.Legs == 2).ToArray()).Word;
        var place = Pick(r, FarmPlaces);
        var c1 = Between(r, 2, 4);
        var c2 = Between(r, 1, (20 - 4 * c1) / 2);
        int l1 = 4 * c1, l2 = 2 * c2, t = l1 + l2;
        return new(
            $"There are {c1} {four.Many} and {c2} {two.Of(c2)} {place}. How many legs are there in all?",
            $"Each {four.One} has 4 legs. {c1} times 4 is {l1}. Each {two.One} has 2 legs. {c2} times 2 is {l2}. {l1} plus {l2} is {t}. So there are {t} legs.",
            $"{t}");
    }

    private static DemoExample Compare(SplitMix64 r)
    {
        var (a, b) = TwoPeople(r);
        var n = Pick(r, Toys);
        var y = Between(r, 1, 15);
        var x = Between(r, y + 1, 20);
        var d = x - y;
        return new(
            $"{a.Name} has {x} {n.Of(x)}. {b.Name} has {y} {n.Of(y)}. How many more {n.Many} does {a.Name} have than {b.Name}?",
            $"{a.Name} has {x} {n.Of(x)} and {b.Name} has {y}. {x} minus {y} is {d}. So {a.Name} has {d} more {n.Of(d)}.",
            $"{d}");
    }

    private static DemoExample PickAndGive(SplitMix64 r)
    {
        var (a, b) = TwoPeople(r);
        var n = Pick(r, Picked);
        var x = Between(r, 1, 10);
        var y = Between(r, 1, Math.Min(10, 20 - x));
        var s = x + y;
        var z = Between(r, 1, s);
        var left = s - z;
        return new(
            $"{a.Name} picks {x} {n.Of(x)}. {b.Name} picks {y} more. They give {z} to their mom. How many {n.Many} do they have now?",
            $"{x} plus {y} is {s}. They give away {z}. {s} minus {z} is {left}. So they have {left} {n.Of(left)} now.",
            $"{left}");
    }

    private static DemoExample Colors(SplitMix64 r)
    {
        var a = Pick(r, People);
        var (n, where) = Pick(r, Seen);
        var c1 = Pick(r, Colors4);
        var c2 = Pick(r, Colors4.Where(c => c != c1).ToArray());
        var x = Between(r, 1, 10);
        var y = Between(r, 1, Math.Min(10, 20 - x));
        var s = x + y;
        return new(
            $"{a.Name} sees {x} {c1} {n.Of(x)} and {y} {c2} {n.Of(y)} {where}. How many {n.Many} does {a.Name} see?",
            $"{a.Name} sees {x} {c1} {n.Of(x)} and {y} {c2} {n.Of(y)}. {x} plus {y} is {s}. So {a.Name} sees {s} {n.Of(s)}.",
            $"{s}");
    }

    private static (DemoPerson A, DemoPerson B) TwoPeople(SplitMix64 r)
    {
        var a = Pick(r, People);
        return (a, Pick(r, People.Where(p => p != a).ToArray()));
    }

    private static T Pick<T>(SplitMix64 r, T[] items) => items[r.NextBelow(items.Length)];

    /// <summary>A uniform integer from <paramref name="low"/> to <paramref name="high"/>, both included.</summary>
    private static int Between(SplitMix64 r, int low, int high) => low + r.NextBelow(high - low + 1);
}
